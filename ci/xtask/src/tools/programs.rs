//! Which programs a page's embedded commands run, found by reading them as a shell would, so
//! that every one is a pinned tool's or a system program.

use super::Tool;
use anyhow::Result;
use std::path::Path;

/// Programs built in the workspace at the versions `Cargo.toml` pins, and put first on the
/// pages' PATH: the official `wasmtime` CLI (`ci/wasmtime-cli`).
pub const WORKSPACE_PROGRAMS: &[&str] = &["wasmtime"];

/// Programs a page may run from the reader's PATH rather than from a pinned install: the
/// shell's own, the usual text tools, curl (Debian's, which `.ci/run` installs), Node.js and npm
/// (the machine's, which the npm-installed tools already need), the Rust toolchain (which rustup
/// pins) and the book's runner script. Any other program a page runs must be a pinned tool's
/// (`bin` or `programs` in ci/tools.toml), or the page would show whatever copy the machine has.
pub const SYSTEM_PROGRAMS: &[&str] = &[
    "cargo",
    "rustc",
    "rustup",
    "ci/wasi-run",
    "sh",
    "cd",
    "echo",
    "printf",
    "true",
    "false",
    "exit",
    "test",
    "cat",
    "grep",
    "sed",
    "head",
    "tail",
    "wc",
    "sort",
    "uniq",
    "cut",
    "tr",
    "ls",
    "diff",
    "curl",
    "node",
    "npm",
    "kill",
    "trap",
    "mktemp",
    "rm",
    "find",
    "xargs",
    "gdb",
    "readlink",
    "sleep",
    "wait",
];

/// The programs a shell command runs: the first word of each simple command, past variable
/// assignments, redirections and reserved words (`do`, `then`, ...), with quotes removed. The
/// command given to `sh -c` and to `$WASI_BOOK sh` (the book's runner of tool commands, whose
/// last argument is the command) is looked into; `for` and `case` headers run nothing.
pub fn programs_in(command: &str) -> Vec<String> {
    let mut out = vec![];
    for words in simple_commands(command) {
        let mut words = words.as_slice();
        while let Some(first) = words.first() {
            let assignment = first.split_once('=').is_some_and(|(name, _)| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
            let reserved = [
                "!", "{", "}", "if", "then", "else", "elif", "fi", "do", "done", "while", "until",
            ]
            .contains(&first.as_str());
            if !assignment && !reserved {
                break;
            }
            words = &words[1..];
        }
        let Some(program) = words.first() else {
            continue;
        };
        match program.as_str() {
            "for" | "case" | "esac" => continue,
            "--strict" => {
                out.extend(programs_in(&shell_join(&words[1..])));
                continue;
            }
            "$WASI_BOOK" => {
                if words.get(1).map(String::as_str) == Some("sh")
                    && let Some(inner) = words.last()
                {
                    out.extend(programs_in(inner));
                }
                continue;
            }
            "sh" | "bash" => {
                out.push(program.clone());
                if let Some(i) = words.iter().position(|w| w == "-c")
                    && let Some(inner) = words.get(i + 1)
                {
                    out.extend(programs_in(inner));
                }
                continue;
            }
            _ => out.push(program.clone()),
        }
    }
    out
}

/// Words joined back into a command line, each quoted for `sh`.
fn shell_join(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A command line split into simple commands (at `|`, `&&`, `||`, `;`, `&`, parentheses and
/// newlines), each as its words with quotes removed; redirections (`2>&1`, `> FILE`) are left
/// out. Enough of sh's grammar for the one-line commands a page runs.
fn simple_commands(command: &str) -> Vec<Vec<String>> {
    let mut commands = vec![];
    let mut words: Vec<String> = vec![];
    let mut word = String::new();
    let mut in_word = false;
    // The next word is a redirection's target, not an argument.
    let mut target = false;
    let mut chars = command.chars().peekable();
    fn end_word(word: &mut String, in_word: &mut bool, words: &mut Vec<String>, target: &mut bool) {
        if *in_word {
            if !*target {
                words.push(std::mem::take(word));
            }
            word.clear();
            *target = false;
        }
        *in_word = false;
    }
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if chars.peek().is_some_and(|n| "\"\\$`".contains(*n)) => {
                            word.push(chars.next().unwrap_or('\\'))
                        }
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') | None => {}
                    Some(n) => word.push(n),
                }
            }
            '<' | '>' => {
                // `2>`: the digits were the redirection's file descriptor, not a word.
                if in_word && !word.is_empty() && word.chars().all(|c| c.is_ascii_digit()) {
                    word.clear();
                    in_word = false;
                } else {
                    end_word(&mut word, &mut in_word, &mut words, &mut target);
                }
                while chars.peek().is_some_and(|n| "<>&|".contains(*n)) {
                    chars.next();
                }
                target = true;
            }
            '|' | '&' | ';' | '(' | ')' | '\n' => {
                end_word(&mut word, &mut in_word, &mut words, &mut target);
                if !words.is_empty() {
                    commands.push(std::mem::take(&mut words));
                }
            }
            c if c.is_whitespace() => end_word(&mut word, &mut in_word, &mut words, &mut target),
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    end_word(&mut word, &mut in_word, &mut words, &mut target);
    if !words.is_empty() {
        commands.push(words);
    }
    commands
}

/// Every embedded command of the pages (`src/**/*.md`) that runs one of `programs`, as
/// (`src/page.md`, line).
pub fn pages_running(root: &Path, programs: &[&str]) -> Result<Vec<(String, usize)>> {
    let mut out = vec![];
    for crate::book::Page {
        name: page, text, ..
    } in crate::book::pages(root)?
    {
        for (line, cmd) in crate::book::cmdruns(&text) {
            if programs_in(&cmd)
                .iter()
                .any(|p| programs.contains(&p.as_str()))
            {
                out.push((page.clone(), line));
            }
        }
    }
    Ok(out)
}

/// The pinned tool a page's program comes from.
pub fn providing<'a>(tools: &'a [Tool], program: &str) -> Option<&'a Tool> {
    tools
        .iter()
        .find(|t| t.programs.iter().any(|p| p == program))
}

/// Programs the pages run that neither a pinned tool provides nor `SYSTEM_PROGRAMS` allows:
/// the command would run whatever copy a machine has on its PATH, or fail there.
pub fn unpinned_programs(root: &Path, tools: &[Tool]) -> Result<Vec<String>> {
    let mut problems = vec![];
    for crate::book::Page {
        name: page, text, ..
    } in crate::book::pages(root)?
    {
        for (line, cmd) in crate::book::cmdruns(&text) {
            for program in programs_in(&cmd) {
                if providing(tools, &program).is_none()
                    && !SYSTEM_PROGRAMS.contains(&program.as_str())
                    && !WORKSPACE_PROGRAMS.contains(&program.as_str())
                {
                    problems.push(format!(
                        "{page}:{line}: runs `{program}`, which no pinned tool provides: add it to the \
                         `programs` of its tool in ci/tools.toml (setup then checks that the pinned \
                         install has it), or, if it is a system program, to tools::SYSTEM_PROGRAMS"
                    ));
                }
            }
        }
    }
    Ok(problems)
}
