//! `cargo xtask flame PROFILE.json`: a flame graph (outermost call on top), as inline SVG, of a
//! profile that Wasmtime's guest profiler wrote (`wasmtime run --profile=guest,PATH`). The file is in the Firefox
//! Profiler's processed format: each sample points into a table of stacks, each stack is a
//! frame and the stack it was called from, each frame a function, each function a name.
//! "Where the time goes" draws its picture with this, from the profile its page's own run wrote.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Deserialize)]
struct Profile {
    threads: Vec<Thread>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Thread {
    samples: Samples,
    stack_table: StackTable,
    frame_table: FrameTable,
    func_table: FuncTable,
    string_array: Vec<String>,
}

#[derive(Deserialize)]
struct Samples {
    stack: Vec<Option<usize>>,
}

#[derive(Deserialize)]
struct StackTable {
    prefix: Vec<Option<usize>>,
    frame: Vec<usize>,
}

#[derive(Deserialize)]
struct FrameTable {
    func: Vec<usize>,
}

#[derive(Deserialize)]
struct FuncTable {
    name: Vec<usize>,
}

/// One function in one calling context: how many samples were in it (or below it), and what it
/// called. Children are kept in name order, so the chart is the same for the same samples.
#[derive(Default, Debug, PartialEq)]
struct Node {
    samples: usize,
    children: BTreeMap<String, Node>,
}

pub fn print(path: &Path) -> Result<()> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the profile {}", path.display()))?;
    let profile: Profile = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a profile in the Firefox Profiler's processed format",
            path.display()
        )
    })?;
    let root = tree(&profile)?;
    if root.samples == 0 {
        bail!(
            "{} has no samples: the run was shorter than the sampling interval",
            path.display()
        );
    }
    println!("{}", chart(&root));
    Ok(())
}

/// Every sample's stack, from the outermost call in, merged into one tree (the threads' too:
/// a WASI guest has one). Each sample counts once: Wasmtime writes no weights. A sample with no
/// stack (the guest was not running) is left out.
fn tree(profile: &Profile) -> Result<Node> {
    let mut root = Node::default();
    for thread in &profile.threads {
        for &sample in thread.samples.stack.iter().flatten() {
            let mut names = vec![];
            let mut stack = Some(sample);
            while let Some(s) = stack {
                if names.len() > thread.stack_table.frame.len() {
                    bail!("stack {sample} never reaches an outermost frame: its prefixes loop");
                }
                let name = (|| {
                    let frame = *thread.stack_table.frame.get(s)?;
                    let func = *thread.frame_table.func.get(frame)?;
                    let name = *thread.func_table.name.get(func)?;
                    thread.string_array.get(name)
                })()
                .with_context(|| format!("stack {s} points outside the profile's tables"))?;
                names.push(short_name(name));
                stack = *thread
                    .stack_table
                    .prefix
                    .get(s)
                    .context("a stack without prefix")?;
            }
            root.samples += 1;
            let mut node = &mut root;
            for name in names.into_iter().rev() {
                node = node.children.entry(name).or_default();
                node.samples += 1;
            }
        }
    }
    Ok(root)
}

/// A function's name without the crate hashes of Rust's symbol names (`std[6755…]::rt` is
/// `std::rt`): the chart has little room, and the hashes say nothing to a reader.
fn short_name(name: &str) -> String {
    static HASH: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\[[0-9a-f]{8,}\]").unwrap());
    HASH.replace_all(name, "").into_owned()
}

const WIDTH: f64 = 720.0;
const ROW: f64 = 18.0;
/// Roughly one character of the chart's 11-pixel monospace labels.
const CHAR: f64 = 6.7;

/// A flame graph drawn top down (an icicle chart): the outermost call on top, what it called below it, each box as wide as
/// its share of the samples.
fn chart(root: &Node) -> String {
    let depth = max_depth(root);
    let height = depth as f64 * ROW + 4.0;
    let mut svg = format!(
        "<svg class=\"flame-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" \
         role=\"img\" aria-label=\"Flame graph of {} samples: each box is a function, as wide as its \
         share of the samples, below the function that called it\">\n",
        root.samples
    );
    boxes(&mut svg, root, root.samples, 0.0, 0);
    svg.push_str("</svg>");
    svg
}

fn max_depth(node: &Node) -> usize {
    node.children
        .values()
        .map(|c| 1 + max_depth(c))
        .max()
        .unwrap_or(0)
}

fn boxes(svg: &mut String, node: &Node, total: usize, x: f64, depth: usize) {
    let mut x = x;
    for (name, child) in &node.children {
        let w = child.samples as f64 / total as f64 * WIDTH;
        let y = depth as f64 * ROW;
        let share = 100.0 * child.samples as f64 / total as f64;
        svg.push_str(&format!(
            "<g><title>{}: {} samples, {share:.1} %</title>\
             <rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h}\"/>",
            crate::book::escape_html(name),
            child.samples,
            h = ROW - 2.0
        ));
        let fits = ((w - 6.0) / CHAR).floor() as usize;
        if fits >= 4 {
            let label = crate::book::escape_html(&label(name, fits));
            svg.push_str(&format!(
                "<text x=\"{tx:.1}\" y=\"{ty:.1}\" font-size=\"11\">{label}</text>",
                tx = x + 3.0,
                ty = y + ROW - 6.0
            ));
        }
        svg.push_str("</g>\n");
        boxes(svg, child, total, x, depth + 1);
        x += w;
    }
}

/// The name cut to `fits` characters, with `…` when cut.
fn label(name: &str, fits: usize) -> String {
    if name.chars().count() <= fits {
        return name.to_string();
    }
    let mut cut: String = name.chars().take(fits - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three samples: two in `main > work`, one in `main` itself; and one with no stack.
    const PROFILE: &str = r#"{"threads": [{
        "samples": {"stack": [1, 1, 0, null]},
        "stackTable": {"prefix": [null, 0], "frame": [0, 1]},
        "frameTable": {"func": [0, 1]},
        "funcTable": {"name": [0, 1]},
        "stringArray": ["app[0123456789abcdef]::main", "app[0123456789abcdef]::work<&str>"]
    }]}"#;

    #[test]
    fn samples_merge_into_a_tree_of_calls() {
        let profile: Profile = serde_json::from_str(PROFILE).unwrap();
        let root = tree(&profile).unwrap();
        assert_eq!(root.samples, 3);
        let main = &root.children["app::main"];
        assert_eq!(main.samples, 3);
        assert_eq!(main.children["app::work<&str>"].samples, 2);
    }

    #[test]
    fn boxes_are_as_wide_as_their_share_and_names_are_escaped() {
        let profile: Profile = serde_json::from_str(PROFILE).unwrap();
        let svg = chart(&tree(&profile).unwrap());
        assert!(svg.contains("width=\"720.0\""), "{svg}");
        assert!(svg.contains("width=\"480.0\""), "{svg}");
        assert!(
            svg.contains("app::work&lt;&amp;str&gt;: 2 samples, 66.7 %"),
            "{svg}"
        );
        assert!(!svg.contains("0123456789abcdef"), "{svg}");
    }

    #[test]
    fn a_stack_outside_the_tables_is_an_error() {
        let broken = PROFILE.replace("\"frame\": [0, 1]", "\"frame\": [0, 7]");
        let profile: Profile = serde_json::from_str(&broken).unwrap();
        let error = tree(&profile).unwrap_err().to_string();
        assert!(error.contains("outside the profile's tables"), "{error}");
    }

    #[test]
    fn a_stack_whose_prefixes_loop_is_an_error() {
        let looping = PROFILE.replace("\"prefix\": [null, 0]", "\"prefix\": [1, 0]");
        let profile: Profile = serde_json::from_str(&looping).unwrap();
        let error = tree(&profile).unwrap_err().to_string();
        assert!(error.contains("its prefixes loop"), "{error}");
    }

    #[test]
    fn long_names_are_cut_with_an_ellipsis() {
        assert_eq!(label("core::iter::Iterator::all", 8), "core::i…");
        assert_eq!(label("main", 8), "main");
    }
}
