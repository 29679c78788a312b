// Run it: cargo run -q -p read-len --target wasm32-wasip1
// ANCHOR: all
/// Reads the 4-byte length that a message at `address` starts with.
fn read_len(address: usize) -> u32 {
    // The bug: nothing checks that `address` points into memory.
    unsafe { std::ptr::read_volatile(address as *const u32) }
}

fn main() {
    let address = usize::MAX - 3;
    println!("reading a length at {address:#x}");
    println!("length: {}", read_len(address));
}
// ANCHOR_END: all
