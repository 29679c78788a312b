// Run it:
//   cargo build -q -p hello-p3 --target wasm32-wasip2 && \
//     wasmtime run target/wasm32-wasip2/debug/hello_p3.wasm
// ANCHOR: all
use wasip3::cli::stdout;
use wasip3::wit_stream;

// Exports this type as the component's `wasi:cli/run@0.3.0`.
wasip3::cli::command::export!(Hello);

pub struct Hello;

impl wasip3::exports::cli::run::Guest for Hello {
    async fn run() -> Result<(), ()> {
        // Standard output takes a stream of bytes: keep the writing end, give
        // the reading end to the host. The future says how the writing ended.
        let (mut writer, reader) = wit_stream::new();
        let written = stdout::write_via_stream(reader);

        // Returns what the host did not take: nothing, unless it dropped
        // its end, and then the future below says why.
        let _unwritten = writer.write_all(b"Hello from WASI 0.3!\n".to_vec()).await;
        // Dropping the writer closes the stream: the host then finishes.
        drop(writer);
        written.await.map_err(|_| ())
    }
}
// ANCHOR_END: all
