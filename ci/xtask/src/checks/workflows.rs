//! The GitHub Actions workflows: no logic of their own, every action pinned to a commit.

use crate::book::files_with_extension;
use anyhow::Result;
use std::path::Path;

/// The GitHub Actions workflows (`.github/workflows/*.yml`) hold no logic of their own: each
/// `run:` step calls a script of this repository (`ci/…` or `.ci/run`), which `ci/book test`
/// exercises, and each `uses:` names its action by a full commit hash, which a tag cannot
/// move. The build machines cannot run the workflows; this is what can be checked here.
pub fn workflow_problems(root: &Path) -> Result<Vec<String>> {
    let dir = root.join(".github/workflows");
    let mut problems = vec![];
    let files = match dir.is_dir() {
        true => files_with_extension(&dir, "yml")?,
        false => vec![],
    };
    if files.is_empty() {
        problems.push(format!("no workflow in {}", crate::model::rel(root, &dir)));
    }
    let hash = regex::Regex::new(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}(\s+#.*)?$").expect("valid");
    for file in files {
        let name = crate::model::rel(root, &file);
        let text = std::fs::read_to_string(&file)?;
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start().trim_start_matches("- ");
            if let Some(cmd) = t.strip_prefix("run:") {
                let cmd = cmd.trim();
                let ours = ["ci/", "bash ci/", "bash .ci/run", ".ci/run"];
                if !ours.iter().any(|p| cmd.starts_with(p)) || cmd.contains(['|', '&', ';']) {
                    problems.push(format!(
                        "{name}:{}: `run: {cmd}` is not one call of a script in ci/ (the \
                         workflow's logic belongs in ci/, where the tests run it)",
                        i + 1
                    ));
                }
            }
            if let Some(action) = t.strip_prefix("uses:")
                && !hash.is_match(action.trim())
            {
                problems.push(format!(
                    "{name}:{}: `uses: {}` must name a full commit hash (`owner/action@<40 \
                     hex digits> # vX`): a tag can be moved",
                    i + 1,
                    action.trim()
                ));
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workflow_step_with_logic_or_an_unpinned_action_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert_eq!(
            workflow_problems(root).unwrap().len(),
            1,
            "no workflow at all"
        );
        std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
        std::fs::write(
            root.join(".github/workflows/x.yml"),
            "jobs:\n  a:\n    steps:\n\
             \x20     - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1\n\
             \x20     - run: ci/book build\n\
             \x20     - run: bash .ci/run\n",
        )
        .unwrap();
        assert_eq!(workflow_problems(root).unwrap(), Vec::<String>::new());
        std::fs::write(
            root.join(".github/workflows/y.yml"),
            "jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v7\n\
             \x20     - run: cargo build && ci/book test\n",
        )
        .unwrap();
        let problems = workflow_problems(root).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("y.yml:4") && problems[0].contains("commit hash"));
        assert!(problems[1].contains("y.yml:5") && problems[1].contains("ci/"));
    }
}
