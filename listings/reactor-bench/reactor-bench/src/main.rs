// Run it (from the repository root; builds the four guests and the Extism host first):
//   cargo build -q -p greet-command --target wasm32-wasip1 &&
//   cargo build -q -p greeter --target wasm32-wasip1 &&
//   cargo build -q -p extism-greeter --target wasm32-wasip1 &&
//   cargo build -q -p greeter-component --target wasm32-wasip2 &&
//   cargo build -q --release -p extism-host && cargo run -q --release -p reactor-bench
// `-- --markdown` prints the results as a Markdown table and an SVG chart instead.
use bench_harness::{Approach, Error, Measured};
use std::path::Path;
use wasmtime::{Engine, InstancePre, Linker, Module, Store};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

// ANCHOR: approaches
/// (a) A command, instantiated afresh for every request. `InstancePre` does the
/// linking once; each request still pays for a new store, instance, WASI context
/// and `_start`.
struct CommandPerRequest {
    engine: Engine,
    pre: InstancePre<WasiP1Ctx>,
}

impl Approach for CommandPerRequest {
    fn name(&self) -> &'static str {
        "command per request (InstancePre)"
    }
    fn greet(&mut self, name: &str) -> Result<String, Error> {
        let stdout = MemoryOutputPipe::new(1 << 20);
        let wasi = WasiCtxBuilder::new()
            .args(&["greet-command.wasm", name])
            .stdout(stdout.clone())
            .build_p1();
        let mut store = Store::new(&self.engine, wasi);
        let instance = self.pre.instantiate(&mut store)?;
        instance
            .get_typed_func::<(), ()>(&mut store, "_start")?
            .call(&mut store, ())?;
        drop(store);
        Ok(String::from_utf8(stdout.contents().to_vec())?
            .trim_end()
            .to_string())
    }
}

/// (b) A reactor: one live instance, strings through linear memory
/// (Listing 13-2's code).
struct Reactor {
    store: Store<WasiP1Ctx>,
    greeter: reactor_host::Greeter,
}

impl Approach for Reactor {
    fn name(&self) -> &'static str {
        "reactor, live instance"
    }
    fn greet(&mut self, name: &str) -> Result<String, Error> {
        Ok(reactor_host::greet(&mut self.store, &self.greeter, name)?)
    }
}

/// (d) The component (Listing 14-2) through its WIT interface, one live instance.
struct ComponentCall {
    store: Store<component_host::Host>,
    greeter: component_host::Greeter,
}

impl Approach for ComponentCall {
    fn name(&self) -> &'static str {
        "component, live instance"
    }
    fn greet(&mut self, name: &str) -> Result<String, Error> {
        let g = self
            .greeter
            .book_greeter_greetings()
            .call_greet(&mut self.store, name)?;
        Ok(format!(
            "{} (greeting #{} from this instance)",
            g.text, g.count
        ))
    }
}
// ANCHOR_END: approaches

// ANCHOR: extism
/// (c) Extism, measured by `extism-bench` in its own process: Extism 1.41 brings
/// Wasmtime 49, and one binary linking both Wasmtimes would compile each of them
/// once more.
fn measure_extism() -> Result<(String, Vec<Measured>), Error> {
    let exe = std::env::current_exe()?.with_file_name("extism-bench");
    let out = std::process::Command::new(&exe).output().map_err(|e| {
        format!(
            "cannot run {} ({e}); build it with \
             `cargo build --release -p extism-host`",
            exe.display()
        )
    })?;
    if !out.status.success() {
        return Err(format!(
            "extism-bench failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    bench_harness::from_line(String::from_utf8(out.stdout)?.trim_end())
}
// ANCHOR_END: extism

fn main() -> Result<(), Error> {
    let markdown = std::env::args().any(|a| a == "--markdown");
    let engine = Engine::default();

    let module = Module::from_file(
        &engine,
        "target/wasm32-wasip1/debug/greet-command.wasm",
    )?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    let pre = linker.instantiate_pre(&module)?;
    let (store, greeter) = reactor_host::instantiate(
        &engine,
        Path::new("target/wasm32-wasip1/debug/greeter.wasm"),
    )?;
    let (cstore, cgreeter) = component_host::instantiate(
        &engine,
        Path::new("target/wasm32-wasip2/debug/greeter_component.wasm"),
    )?;
    let mut command = CommandPerRequest {
        engine: engine.clone(),
        pre,
    };
    let mut reactor = Reactor { store, greeter };
    let mut component = ComponentCall {
        store: cstore,
        greeter: cgreeter,
    };

    // One approach at a time, each on every workload, in the order (a) to (d).
    let mut results: Vec<(String, Vec<Measured>)> = Vec::new();
    for a in [&mut command as &mut dyn Approach, &mut reactor] {
        results.push((a.name().to_string(), bench_harness::measure_all(a)?));
    }
    results.push(measure_extism()?);
    results.push((
        component.name().to_string(),
        bench_harness::measure_all(&mut component)?,
    ));

    let workloads = bench_harness::workloads().map(|w| w.0);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let machine = format!("{cpu}, {cores} cores");
    if markdown {
        print_markdown(&machine, &workloads, &results);
        print_reading(&workloads, &results);
    } else {
        println!("machine: {machine}");
        println!(
            "mean time per call, each measured for {} ms:",
            bench_harness::BUDGET.as_millis()
        );
        for (name, row) in &results {
            let cells: Vec<String> = row
                .iter()
                .zip(&workloads)
                .map(|(m, w)| {
                    format!("{w}: {:.2} µs ({} calls)", m.micros, m.calls)
                })
                .collect();
            println!("  {name:<34} {}", cells.join("   "));
        }
    }
    Ok(())
}

// ANCHOR: chart
/// A table, then a horizontal bar chart (inline SVG, log scale) of the same run.
fn print_markdown(
    machine: &str,
    workloads: &[&str; 2],
    results: &[(String, Vec<Measured>)],
) {
    println!("Measured on: {machine}.\n");
    println!("| Approach | {} | {} |", workloads[0], workloads[1]);
    println!("|---|---:|---:|");
    for (name, row) in results {
        println!(
            "| {name} | {:.2} µs | {:.2} µs |",
            row[0].micros, row[1].micros
        );
    }
    let all: Vec<f64> = results
        .iter()
        .flat_map(|(_, r)| r.iter().map(|m| m.micros))
        .collect();
    let lo = all.iter().cloned().fold(f64::MAX, f64::min).log10().floor();
    let hi = all
        .iter()
        .cloned()
        .fold(0.0, f64::max)
        .log10()
        .ceil()
        .max(lo + 1.0);
    let (left, width, bar, gap) = (250.0, 420.0, 14.0, 10.0);
    let x = |us: f64| left + width * (us.log10() - lo) / (hi - lo);
    let height = 40.0 + results.len() as f64 * (2.0 * bar + gap) + 30.0;
    let colors = ["#4a6fa5", "#e0a458"];
    // In a <div> so that markdown passes the SVG through as one HTML block.
    println!("\n<div class=\"chart\">");
    println!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 760 {height}" width="760" height="{height}" font-family="sans-serif" font-size="12" role="img"><title>Mean time per call, microseconds, log scale</title><rect width="760" height="{height}" fill="#fff"/>"##
    );
    for d in (lo as i32)..=(hi as i32) {
        let us = 10f64.powi(d);
        let xx = x(us);
        println!(
            r##"<line x1="{xx:.1}" y1="30" x2="{xx:.1}" y2="{:.1}" stroke="#ddd"/><text x="{xx:.1}" y="{:.1}" text-anchor="middle" fill="#555">{us} µs</text>"##,
            height - 25.0,
            height - 10.0
        );
    }
    for (i, w) in workloads.iter().enumerate() {
        let lx = left + i as f64 * 200.0;
        println!(
            r##"<rect x="{lx}" y="8" width="12" height="12" fill="{}"/><text x="{}" y="18">{w}</text>"##,
            colors[i],
            lx + 16.0
        );
    }
    for (r, (name, row)) in results.iter().enumerate() {
        let y0 = 40.0 + r as f64 * (2.0 * bar + gap);
        println!(
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end">{name}</text>"##,
            left - 8.0,
            y0 + bar + 4.0
        );
        for (i, us) in row.iter().map(|m| m.micros).enumerate() {
            let y = y0 + i as f64 * bar;
            let w = (x(us) - left).max(1.0);
            println!(
                r##"<rect x="{left}" y="{y:.1}" width="{w:.1}" height="{:.1}" fill="{}"/><text x="{:.1}" y="{:.1}" fill="#333">{us:.1}</text>"##,
                bar - 2.0,
                colors[i],
                left + w + 4.0,
                y + bar - 4.0
            );
        }
    }
    println!("</svg>\n</div>");
}
// ANCHOR_END: chart

/// The comparisons the chapter draws, computed from this run, so the text can never
/// contradict the table above it. `results` is in the order (a) command, (b) reactor,
/// (c) Extism, (d) component.
fn print_reading(workloads: &[&str; 2], results: &[(String, Vec<Measured>)]) {
    let [command, reactor, extism, component] = [0, 1, 2, 3].map(|i| &results[i].1);
    let ratio =
        |a: &[Measured], b: &[Measured], w: usize| a[w].micros / b[w].micros;
    let both = |a: &[Measured], b: &[Measured]| {
        let (w0, w1) = (workloads[0], workloads[1]);
        format!(
            "{:.1}× the reactor's time with the {w0} input, and {:.1}× with the {w1} one",
            ratio(a, b, 0),
            ratio(a, b, 1)
        )
    };
    let than = |x: f64| {
        if x >= 1.0 {
            format!("{x:.1}× as long as")
        } else {
            format!("{:.1}× less time than", 1.0 / x)
        }
    };
    println!("\n**This run, compared** (generated from the figures above):\n");
    println!("- A command per request took {}.", both(command, reactor));
    println!("- A component call took {}.", both(component, reactor));
    println!("- An Extism call took {}.", both(extism, reactor));
    println!(
        "- With the {} input, an Extism call took {} a fresh command per request, and {} a component call.",
        workloads[1],
        than(ratio(extism, command, 1)),
        than(ratio(extism, component, 1))
    );
}
