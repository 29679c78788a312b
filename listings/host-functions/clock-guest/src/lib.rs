// Built by: cargo build -q -p clock-guest --target wasm32-wasip1
// Run by the host program: cargo run -q --release -p clock-host
// ANCHOR: all
// ANCHOR: imports
// Two functions the host defines, imported from its module named "host". The
// guest declares their signatures; the host supplies their code when it
// instantiates the module.
#[link(wasm_import_module = "host")]
unsafe extern "C" {
    /// Writes the UTF-8 text at `ptr..ptr + len` to the host's log.
    fn log_line(ptr: *const u8, len: usize);
    /// The host's clock, in milliseconds. Safe to call: it only returns a number.
    safe fn clock_ms() -> u64;
}
// ANCHOR_END: imports

fn log(text: &str) {
    // The host reads exactly these bytes out of this module's memory.
    unsafe { log_line(text.as_ptr(), text.len()) }
}

/// Does `steps` steps of work, logging each, and returns how long they took on
/// the host's clock.
#[unsafe(no_mangle)]
pub extern "C" fn run(steps: u32) -> u64 {
    let start = clock_ms();
    for step in 1..=steps {
        log(&format!(
            "step {step} of {steps} at +{} ms",
            clock_ms() - start
        ));
    }
    clock_ms() - start
}
// ANCHOR_END: all
