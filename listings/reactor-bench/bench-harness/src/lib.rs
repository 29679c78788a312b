//! The benchmark's measuring loop, shared by its two processes: `reactor-bench` measures the
//! command, the reactor and the component on Wasmtime 48; `extism-bench` (in the `extism-host`
//! package) measures the Extism plugin on Extism's own Wasmtime 49, and reports its figures
//! to `reactor-bench` as lines of text.
use std::time::{Duration, Instant};

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// How long each approach runs each workload (after one warm-up call). Short enough to
/// re-run the benchmark often, long enough for thousands of calls.
pub const BUDGET: Duration = Duration::from_millis(250);

// ANCHOR: approach
/// One way of answering "greet this name", as a host would serve requests.
pub trait Approach {
    fn name(&self) -> &'static str;
    fn greet(&mut self, name: &str) -> Result<String, Error>;
}
// ANCHOR_END: approach

// ANCHOR: workloads
/// Small: a short name. Realistic: a 16 KiB payload, so copying data across the
/// boundary (and, for a command, through argv and stdout) shows up.
pub fn workloads() -> [(&'static str, String); 2] {
    [
        ("small (6 B)", "Ferris".to_string()),
        ("realistic (16 KiB)", "x".repeat(16 * 1024)),
    ]
}
// ANCHOR_END: workloads

/// The mean time per call of one approach on one workload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    pub micros: f64,
    pub calls: u64,
}

// ANCHOR: measure
/// Calls `a` with `name` once to check its answer, then as often as it can within
/// `BUDGET`.
pub fn measure(a: &mut dyn Approach, name: &str) -> Result<Measured, Error> {
    let first = a.greet(name)?;
    // Every approach must give the same answer, or the comparison means nothing.
    if !first.starts_with(&format!("Hello, {name}! ")) {
        return Err(format!("{} answered {first:?}", a.name()).into());
    }
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < BUDGET {
        a.greet(name)?;
        calls += 1;
    }
    Ok(Measured {
        micros: start.elapsed().as_secs_f64() * 1e6 / calls as f64,
        calls,
    })
}
// ANCHOR_END: measure

/// Measures `a` on every workload.
pub fn measure_all(a: &mut dyn Approach) -> Result<Vec<Measured>, Error> {
    workloads()
        .iter()
        .map(|(_, input)| measure(a, input))
        .collect()
}

/// One approach's figures as one line of text (`name<TAB>micros<TAB>calls...`), the way
/// `extism-bench` hands them to `reactor-bench`.
pub fn to_line(name: &str, row: &[Measured]) -> String {
    let cells: Vec<String> = row
        .iter()
        .map(|m| format!("{}\t{}", m.micros, m.calls))
        .collect();
    format!("{name}\t{}", cells.join("\t"))
}

/// The inverse of `to_line`.
pub fn from_line(line: &str) -> Result<(String, Vec<Measured>), Error> {
    let mut fields = line.split('\t');
    let name = fields
        .next()
        .filter(|n| !n.is_empty())
        .ok_or("an empty line")?
        .to_string();
    let rest: Vec<&str> = fields.collect();
    if rest.is_empty() || !rest.len().is_multiple_of(2) {
        return Err(
            format!("`{line}` is not `name<TAB>micros<TAB>calls...`").into()
        );
    }
    let row = rest
        .chunks(2)
        .map(|c| {
            Ok(Measured {
                micros: c[0].parse()?,
                calls: c[1].parse()?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok((name, row))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_round_trips() {
        let row = vec![
            Measured {
                micros: 1.25,
                calls: 7,
            },
            Measured {
                micros: 300.5,
                calls: 2,
            },
        ];
        let line = to_line("Extism plugin", &row);
        assert_eq!(
            from_line(&line).unwrap(),
            ("Extism plugin".to_string(), row)
        );
        assert!(from_line("Extism plugin\t1.0").is_err());
        assert!(from_line("Extism plugin\tfast\t3").is_err());
    }

    #[test]
    fn a_wrong_answer_is_refused() {
        struct Wrong;
        impl Approach for Wrong {
            fn name(&self) -> &'static str {
                "wrong"
            }
            fn greet(&mut self, _: &str) -> Result<String, Error> {
                Ok("Goodbye".into())
            }
        }
        let e = measure(&mut Wrong, "Ferris").unwrap_err();
        assert_eq!(e.to_string(), "wrong answered \"Goodbye\"");
    }
}
