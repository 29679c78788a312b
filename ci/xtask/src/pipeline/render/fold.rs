//! Long lines of a transcript folded to the width of a code block, between words and never
//! inside quotes, as a reader would type them with `\`.

/// The widest a folded command line gets, its ` \` included: a console block at the book's
/// width shows it without sideways scrolling.
const FOLD_WIDTH: usize = 80;

/// A transcript as the page shows it: each `$ ` command longer than `FOLD_WIDTH` broken over
/// lines with ` \` (the form a shell accepts when pasted), after each `&&` and otherwise between
/// words, never inside quotes or between a flag and its value. The transcripts on disk keep one
/// line per command; the copy button (theme/copy-commands.js) copies the folded form.
pub fn folded(transcript: &str) -> String {
    transcript
        .split_inclusive('\n')
        .map(|line| match line.strip_prefix("$ ") {
            Some(command) => fold_line("$ ", command),
            None => line.to_string(),
        })
        .collect()
}

/// The lines of a command block (`sh`), each folded like a transcript's commands.
pub fn folded_commands(commands: &str) -> String {
    commands
        .split_inclusive('\n')
        .map(|line| fold_line("", line))
        .collect()
}

/// `prompt` and `command` (which may end in a newline, kept), folded when too long.
fn fold_line(prompt: &str, command: &str) -> String {
    let (command, newline) = match command.strip_suffix('\n') {
        Some(c) => (c, "\n"),
        None => (command, ""),
    };
    if prompt.len() + command.len() <= FOLD_WIDTH {
        return format!("{prompt}{command}{newline}");
    }
    let mut lines: Vec<String> = vec![];
    let mut force_break = false;
    for group in word_groups(command) {
        match lines.last_mut() {
            Some(last) if !force_break && last.len() + 1 + group.len() + 2 <= FOLD_WIDTH => {
                last.push(' ');
                last.push_str(&group);
            }
            Some(last) => {
                last.push_str(" \\");
                lines.push(format!("    {group}"));
            }
            None => lines.push(format!("{prompt}{group}")),
        }
        force_break = group.ends_with("&&") || group.ends_with('|');
    }
    format!("{}{newline}", lines.join("\n"))
}

/// The command's words (quotes kept as written), with a flag and the value after it in one
/// group (`--target wasm32-wasip1`), and `&&` kept with the word before it.
fn word_groups(command: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let (mut word, mut quote) = (String::new(), None::<char>);
    for c in command.chars() {
        match (quote, c) {
            (None, ' ') => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                word.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                word.push(c);
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut groups: Vec<String> = Vec::new();
    let mut value_of_flag = false;
    for w in words {
        let joins =
            matches!(w.as_str(), "&&" | "|" | "||") || (value_of_flag && !w.starts_with('-'));
        value_of_flag = w.starts_with('-') && !w.contains('=') && w != "--" && !joins;
        match groups.last_mut() {
            Some(g) if joins => {
                g.push(' ');
                g.push_str(&w);
                value_of_flag = false;
            }
            _ => groups.push(w),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_command_is_folded_between_words_and_never_inside_quotes() {
        let t = "$ WASI_RUNNER_FLAGS='--env EMPTY= --env GREETING=hello' cargo run -q -p args-env --target wasm32-wasip1 -- --name WASI 'two words'\nout\n$ echo $?\n1\n";
        let f = folded(t);
        assert_eq!(
            f,
            "$ WASI_RUNNER_FLAGS='--env EMPTY= --env GREETING=hello' cargo run -q \\\n    -p args-env --target wasm32-wasip1 -- --name WASI 'two words'\nout\n$ echo $?\n1\n"
        );
        assert!(f.lines().all(|l| l.len() <= FOLD_WIDTH), "{f}");
    }

    #[test]
    fn a_command_is_broken_after_and_and_a_short_one_is_left_alone() {
        let t = "$ cargo build -q -p extism-greeter --target wasm32-unknown-unknown && cargo run -q --release -p extism-host\n";
        assert_eq!(
            folded(t),
            "$ cargo build -q -p extism-greeter --target wasm32-unknown-unknown && \\\n    cargo run -q --release -p extism-host\n"
        );
        assert_eq!(
            folded("$ cargo run -q -p hello\nhi\n"),
            "$ cargo run -q -p hello\nhi\n"
        );
    }
}
