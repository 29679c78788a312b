//! `cargo xtask sizes`: the table and bar chart of the "Making it small" chapter. It builds the
//! hello listing with each `size-*` profile of the root `Cargo.toml` (each adds one setting to
//! the one before), runs the pinned `wasm-opt` and `wat2wasm`, checks that every result still
//! prints "Hello, WASI!" in the runner, and prints the sizes as markdown with an inline SVG.

use crate::exec::capture;
use crate::model::Target;
use crate::pipeline::run::runner_path;
use crate::tools;
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// (cargo profile, what it adds), in the order of the root Cargo.toml.
const STEPS: &[(&str, &str)] = &[
    ("dev", "`cargo build`: the debug build"),
    ("size-release", "release, without debug info"),
    ("size-opt-z", "`opt-level = \"z\"`"),
    ("size-lto", "`lto = true`"),
    ("size-cgu1", "`codegen-units = 1`"),
    ("size-abort", "`panic = \"abort\"`"),
    ("size-strip", "`strip = true`"),
];

/// The hand-written floor, assembled by `wat2wasm`.
pub const WAT_FLOOR: &str = "listings/tools-size/hello.wat";

struct Row {
    step: String,
    adds: String,
    wasip1: u64,
    /// `None` where the step does not apply to a component.
    wasip2: Option<u64>,
}

pub fn print(root: &Path) -> Result<()> {
    let out_dir = root.join("target/sizes");
    std::fs::create_dir_all(&out_dir)?;
    let mut rows = vec![];
    for (profile, adds) in STEPS {
        let mut sizes = vec![];
        for target in [Target::Wasip1, Target::Wasip2] {
            let triple = target.triple().context("a WASI target has a triple")?;
            cargo(
                root,
                &[
                    "build",
                    "-q",
                    "-p",
                    "hello",
                    "--target",
                    triple,
                    "--profile",
                    profile,
                ],
            )?;
            let dir = if *profile == "dev" { "debug" } else { profile };
            let wasm = root
                .join("target")
                .join(triple)
                .join(dir)
                .join("hello.wasm");
            says_hello(root, &wasm)?;
            sizes.push(len(&wasm)?);
        }
        rows.push(Row {
            step: format!("`{profile}`"),
            adds: adds.to_string(),
            wasip1: sizes[0],
            wasip2: Some(sizes[1]),
        });
    }
    // binaryen on the last cargo step. `strip = true` also removed the `target_features`
    // section that wasm-opt reads the enabled features from, so they are named.
    let stripped = root.join("target/wasm32-wasip1/size-strip/hello.wasm");
    let optimised = out_dir.join("hello.wasm-opt.wasm");
    let mut wasm_opt = Command::new(tools::find(root, "binaryen")?.path());
    wasm_opt
        .args(["-Oz", "--enable-bulk-memory"])
        .arg(&stripped)
        .arg("-o")
        .arg(&optimised);
    run_tool(root, wasm_opt)?;
    says_hello(root, &optimised)?;
    rows.push(Row {
        step: "`wasm-opt -Oz`".into(),
        adds: "binaryen, on `size-strip`'s module (a component is refused)".into(),
        wasip1: len(&optimised)?,
        wasip2: None,
    });
    let floor = out_dir.join("hello-wat.wasm");
    let mut wat2wasm = Command::new(tools::find(root, "wabt")?.path());
    wat2wasm.arg(root.join(WAT_FLOOR)).arg("-o").arg(&floor);
    run_tool(root, wat2wasm)?;
    says_hello(root, &floor)?;
    rows.push(Row {
        step: "hand-written WAT".into(),
        adds: format!("`{WAT_FLOOR}`, assembled by `wat2wasm`: the floor"),
        wasip1: len(&floor)?,
        wasip2: None,
    });

    println!("| Step | What it adds | wasip1 module (bytes) | wasip2 component (bytes) |");
    println!("|---|---|--:|--:|");
    for r in &rows {
        let p2 = r.wasip2.map(thousands).unwrap_or_else(|| "n/a".into());
        println!(
            "| {} | {} | {} | {p2} |",
            r.step,
            r.adds,
            thousands(r.wasip1)
        );
    }
    println!();
    // The debug build is many times the next row: charted, it would flatten every other bar.
    println!("{}", chart(&rows[1..]));
    println!();
    for line in findings(&rows)? {
        println!("{line}");
    }
    Ok(())
}

/// What the table says, in words computed from it, so that the chapter's prose states no
/// number of its own: how much larger the debug build is, what each later step changes, and
/// how far the smallest Rust build is from the floor. Fails if `panic = "abort"` changed the
/// size: the chapter explains that it cannot, because it is already the WASI targets' strategy.
fn findings(rows: &[Row]) -> Result<Vec<String>> {
    let [debug, release, .., opt, floor] = rows else {
        bail!("sizes: too few rows to compare");
    };
    let mut out = vec![
        "What this build measured:".to_string(),
        String::new(),
        format!(
            "- The debug build is {} times the size of `size-release`'s (the wasip1 module).",
            times(debug.wasip1, release.wasip1)
        ),
    ];
    for pair in rows[1..rows.len() - 1].windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        // A profile's setting, or the tool's command.
        let what = match after.step.starts_with("`size-") {
            true => &after.adds,
            false => &after.step,
        };
        let module = change(before.wasip1, after.wasip1);
        out.push(match (before.wasip2, after.wasip2) {
            (Some(b), Some(a)) if b == a && before.wasip1 == after.wasip1 => {
                format!("- {what} changes nothing, for the module or the component.")
            }
            (Some(b), Some(a)) => format!(
                "- {what} {module} for the module and {} for the component.",
                change(b, a)
            ),
            _ => format!("- {what} {module} for the module (it refuses the component)."),
        });
        if after.step == "`size-abort`"
            && (before.wasip1, before.wasip2) != (after.wasip1, after.wasip2)
        {
            bail!(
                "sizes: `panic = \"abort\"` changed the size ({} -> {} bytes), but src/tools-size.md \
                 explains that it changes nothing because it is already the WASI targets' panic \
                 strategy; re-read that section",
                before.wasip1,
                after.wasip1
            );
        }
    }
    out.push(format!(
        "- The hand-written floor is {} times smaller than the smallest Rust build (`wasm-opt -Oz`'s).",
        times(opt.wasip1, floor.wasip1)
    ));
    Ok(out)
}

/// "saves 1,234 bytes (5.0 %)", "adds 12 bytes (0.1 %)" or "changes nothing".
fn change(before: u64, after: u64) -> String {
    let percent = |d: u64| d as f64 * 100.0 / before as f64;
    match after.cmp(&before) {
        std::cmp::Ordering::Equal => "changes nothing".into(),
        std::cmp::Ordering::Less => format!(
            "saves {} bytes ({:.1} %)",
            thousands(before - after),
            percent(before - after)
        ),
        std::cmp::Ordering::Greater => format!(
            "adds {} bytes ({:.1} %)",
            thousands(after - before),
            percent(after - before)
        ),
    }
}

/// `a / b`, to one decimal below ten, whole above.
fn times(a: u64, b: u64) -> String {
    let r = a as f64 / b.max(1) as f64;
    if r < 10.0 {
        format!("{r:.1}")
    } else {
        format!("{r:.0}")
    }
}

/// A horizontal bar chart, one group per step (wasip1, then wasip2), scaled to the largest.
fn chart(rows: &[Row]) -> String {
    let (label_w, bar_w, bar_h, gap) = (150.0, 420.0, 14.0, 10.0);
    let max = rows
        .iter()
        .flat_map(|r| [Some(r.wasip1), r.wasip2])
        .flatten()
        .max()
        .unwrap_or(1) as f64;
    let height = rows.len() as f64 * (2.0 * bar_h + gap) + 40.0;
    let mut svg = format!(
        "<svg class=\"size-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {height}\" \
         role=\"img\" aria-label=\"Bar chart of the table above: size in bytes per step\">\n",
        w = label_w + bar_w + 90.0
    );
    let mut y = 10.0;
    for r in rows {
        let label = r.step.trim_matches('`');
        svg.push_str(&format!(
            "<text x=\"{x}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"12\">{label}</text>\n",
            x = label_w - 8.0,
            ty = y + bar_h + 4.0
        ));
        for (i, size) in [Some(r.wasip1), r.wasip2].into_iter().enumerate() {
            let by = y + i as f64 * bar_h;
            if let Some(size) = size {
                let w = (size as f64 / max * bar_w).max(1.0);
                let class = if i == 0 { "p1" } else { "p2" };
                svg.push_str(&format!(
                    "<rect class=\"{class}\" x=\"{label_w}\" y=\"{by}\" width=\"{w:.1}\" height=\"{h}\"/>\
                     <text x=\"{tx:.1}\" y=\"{ty}\" font-size=\"11\">{}</text>\n",
                    thousands(size),
                    h = bar_h - 2.0,
                    tx = label_w + w + 4.0,
                    ty = by + bar_h - 4.0
                ));
            }
        }
        y += 2.0 * bar_h + gap;
    }
    svg.push_str(&format!(
        "<rect class=\"p1\" x=\"{label_w}\" y=\"{y}\" width=\"12\" height=\"12\"/>\
         <text x=\"{a}\" y=\"{t}\" font-size=\"12\">wasip1 module</text>\
         <rect class=\"p2\" x=\"{b}\" y=\"{y}\" width=\"12\" height=\"12\"/>\
         <text x=\"{c}\" y=\"{t}\" font-size=\"12\">wasip2 component</text>\n</svg>",
        a = label_w + 16.0,
        b = label_w + 140.0,
        c = label_w + 156.0,
        t = y + 10.0
    ));
    svg
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn len(path: &Path) -> Result<u64> {
    Ok(std::fs::metadata(path)
        .with_context(|| format!("no {}", path.display()))?
        .len())
}

fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    let mut cmd = crate::workspace::cargo(root);
    cmd.args(args);
    run_tool(root, cmd)
}

/// Runs a build step; its failure, with what it printed, names the step.
fn run_tool(root: &Path, mut cmd: Command) -> Result<()> {
    cmd.current_dir(root);
    let what = format!("{cmd:?}");
    let run = capture(cmd, None, Duration::from_secs(600))?;
    if run.code != 0 {
        bail!("sizes: {what} exited with {}:\n{}", run.code, run.output);
    }
    Ok(())
}

/// A smaller module that no longer works would make the table meaningless.
fn says_hello(root: &Path, wasm: &Path) -> Result<()> {
    let mut cmd = Command::new(runner_path(root));
    cmd.current_dir(root).arg(wasm);
    let run = capture(cmd, None, Duration::from_secs(60))?;
    if run.code != 0 || run.output != "Hello, WASI!\n" {
        bail!(
            "sizes: {} no longer prints `Hello, WASI!` (exit {}):\n{}",
            wasm.display(),
            run.code,
            run.output
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_with_thousands_separators() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(2263368), "2,263,368");
    }

    fn row(step: &str, adds: &str, wasip1: u64, wasip2: Option<u64>) -> Row {
        Row {
            step: step.into(),
            adds: adds.into(),
            wasip1,
            wasip2,
        }
    }

    #[test]
    fn the_findings_are_computed_from_the_table() {
        let rows = [
            row("`dev`", "debug", 2_000_000, Some(2_100_000)),
            row("`size-release`", "release", 50_000, Some(60_000)),
            row("`size-opt-z`", "`opt-level = \"z\"`", 50_000, Some(59_000)),
            row("`size-abort`", "`panic = \"abort\"`", 50_000, Some(59_000)),
            row("`wasm-opt -Oz`", "binaryen", 45_000, None),
            row("hand-written WAT", "the floor", 150, None),
        ];
        let lines = findings(&rows).unwrap().join("\n");
        assert!(lines.contains("- The debug build is 40 times"), "{lines}");
        assert!(
            lines.contains("- `opt-level = \"z\"` changes nothing for the module and saves 1,000 bytes (1.7 %) for the component."),
            "{lines}"
        );
        assert!(
            lines.contains(
                "- `panic = \"abort\"` changes nothing, for the module or the component."
            ),
            "{lines}"
        );
        assert!(
            lines
                .contains("- `wasm-opt -Oz` saves 5,000 bytes (10.0 %) for the module (it refuses"),
            "{lines}"
        );
        assert!(lines.contains("floor is 300 times smaller"), "{lines}");
        // The chapter's explanation of `panic = "abort"` holds only while it changes nothing.
        let mut changed = rows;
        changed[3].wasip1 = 49_000;
        let err = format!("{:#}", findings(&changed).unwrap_err());
        assert!(
            err.contains("`panic = \"abort\"` changed the size"),
            "{err}"
        );
    }

    #[test]
    fn the_chart_scales_bars_to_the_largest_size() {
        let rows = [
            Row {
                step: "a".into(),
                adds: String::new(),
                wasip1: 100,
                wasip2: Some(50),
            },
            Row {
                step: "b".into(),
                adds: String::new(),
                wasip1: 25,
                wasip2: None,
            },
        ];
        let svg = chart(&rows);
        assert!(svg.contains("width=\"420.0\""), "{svg}");
        assert!(svg.contains("width=\"210.0\""), "{svg}");
        assert!(svg.contains("width=\"105.0\""), "{svg}");
        assert_eq!(
            svg.matches("<rect class=\"p2\"").count(),
            2,
            "one bar and the legend"
        );
    }
}
