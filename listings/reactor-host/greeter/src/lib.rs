// Built by: cargo build -q -p greeter --target wasm32-wasip1
// Run by the host program: cargo run -q --release -p reactor-host
use std::sync::atomic::{AtomicU32, Ordering};

// ANCHOR: memory
/// Reserves `len` bytes in this instance's memory for the host to write into. The
/// host owns them until it hands them back with `dealloc`.
#[unsafe(no_mangle)]
pub extern "C" fn alloc(len: u32) -> u32 {
    let mut buf = Vec::<u8>::with_capacity(len as usize);
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf); // now owned by whoever holds the pointer
    ptr as u32
}

/// Frees what `alloc` (or `greet`'s result) handed out: the same pointer and
/// length.
///
/// # Safety
/// `ptr` and `len` must come from `alloc(len)` or from a `greet` result, and be
/// freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dealloc(ptr: u32, len: u32) {
    unsafe { drop(Vec::from_raw_parts(ptr as *mut u8, 0, len as usize)) }
}
// ANCHOR_END: memory

static GREETINGS: AtomicU32 = AtomicU32::new(0);

// ANCHOR: greet
/// Reads a UTF-8 name at `ptr..ptr+len` and returns a greeting, allocated in this
/// instance's memory, as `(pointer << 32) | length`: one wasm value, since a core
/// function returns numbers only. The caller frees the result with `dealloc`.
/// Returns 0 if the input is not UTF-8.
///
/// # Safety
/// `ptr..ptr+len` must be bytes the caller wrote (from `alloc(len)`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn greet(ptr: u32, len: u32) -> u64 {
    // Reading outside the linear memory traps: WebAssembly checks every load.
    let input =
        unsafe { std::slice::from_raw_parts(ptr as *const u8, len as usize) };
    let Ok(name) = std::str::from_utf8(input) else {
        return 0;
    };
    let n = GREETINGS.fetch_add(1, Ordering::Relaxed) + 1;
    let greeting =
        format!("Hello, {name}! (greeting #{n} from this instance)").into_bytes();
    let (out_ptr, out_len) = (greeting.as_ptr() as u64, greeting.len() as u64);
    std::mem::forget(greeting); // the caller frees it
    (out_ptr << 32) | out_len
}
// ANCHOR_END: greet

// As in Listing 12-1: a real reactor entry point, so exports are not wrapped in
// constructor and destructor calls.
unsafe extern "C" {
    fn __wasm_call_ctors();
}

#[unsafe(no_mangle)]
pub extern "C" fn _initialize() {
    unsafe { __wasm_call_ctors() }
}
