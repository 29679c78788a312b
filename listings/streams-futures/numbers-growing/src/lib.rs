// Built by: cargo build -q -p numbers-growing --target wasm32-wasip2
// Run by the host program:
//   cargo run -q --release -p numbers-host -- target/wasm32-wasip2/debug/numbers_growing.wasm
// ANCHOR: all
wit_bindgen::generate!({ world: "numbers", path: "../numbers-component/wit" });

use exports::book::numbers::counter::Guest;
use wit_bindgen::StreamReader;

struct Numbers;

impl Guest for Numbers {
    // `chunk` is ignored: the chunks grow, 1 number, then 2, then 3...
    async fn count(last: u32, _chunk: u32) -> StreamReader<u32> {
        let (mut writer, reader) = wit_stream::new();
        wit_bindgen::spawn(async move {
            let (mut next, mut size) = (1, 1);
            while next <= last {
                let part: Vec<u32> = (next..=last).take(size).collect();
                println!("[guest] writing {part:?}");
                (next, size) = (next + part.len() as u32, size + 1);
                let unsent = writer.write_all(part).await;
                if !unsent.is_empty() {
                    println!("[guest] the reader is gone; {unsent:?} not sent");
                    return;
                }
            }
            println!("[guest] done");
        });
        reader
    }
}

// Exports `Numbers` under the component's names, such as `[async-
// lift]book:numbers/counter#count`.
export!(Numbers);
// ANCHOR_END: all
