// The copy button of a transcript (a `console` block) copies its commands only: each `$ `
// line without the prompt, with the lines it continues onto (a line ending in `\`), and none
// of the output. mdBook's own button copies the whole block, so this one answers the click
// first. Loaded by book.toml's `additional-js`; checked by `ci/book test`'s browser test.
"use strict";

(function copyCommandsOfTranscripts() {
    // The commands of a transcript's text, one per line, as a shell would take them pasted.
    function commandsOf(text) {
        const out = [];
        let continuing = false;
        for (const line of text.split("\n")) {
            if (continuing) {
                out.push(line);
            } else if (line.startsWith("$ ")) {
                out.push(line.slice(2));
            } else {
                continue;
            }
            continuing = line.endsWith("\\");
        }
        return out.join("\n") + "\n";
    }

    function copy(text) {
        if (navigator.clipboard && window.isSecureContext) {
            return navigator.clipboard.writeText(text);
        }
        // Over plain http from another host: the old way, through a selected text area.
        const area = document.createElement("textarea");
        area.value = text;
        area.style.position = "fixed";
        area.style.opacity = "0";
        document.body.appendChild(area);
        area.select();
        const ok = document.execCommand("copy");
        area.remove();
        return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
    }

    function tooltip(button, message) {
        button.firstChild.innerText = message;
        button.className = "clip-button tooltipped";
    }

    // Capture phase: this runs before mdBook's clipboard listener, which it then stops.
    document.addEventListener(
        "click",
        function (event) {
            const button = event.target.closest(".clip-button");
            const code = button && button.closest("pre")?.querySelector("code.language-console");
            if (!code) {
                return;
            }
            event.stopPropagation();
            event.preventDefault();
            copy(commandsOf(code.innerText)).then(
                () => tooltip(button, "Copied!"),
                () => tooltip(button, "Clipboard error!"),
            );
        },
        true,
    );
})();
