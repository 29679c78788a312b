// Built by: cargo build -q -p numbers-component --target wasm32-wasip2
// Run by the host program: cargo run -q --release -p numbers-host
// ANCHOR: all
wit_bindgen::generate!({ world: "numbers", path: "wit" });

use exports::book::numbers::counter::Guest;
use wit_bindgen::StreamReader;

struct Numbers;

impl Guest for Numbers {
    async fn count(last: u32, chunk: u32) -> StreamReader<u32> {
        // The reader goes to the caller; a task keeps the writer.
        let (mut writer, reader) = wit_stream::new();
        wit_bindgen::spawn(async move {
            let numbers: Vec<u32> = (1..=last).collect();
            for part in numbers.chunks(chunk as usize) {
                println!("[guest] writing {part:?}");
                // Returns once the reader has taken all of `part`, or has
                // dropped its end: then it returns what was not taken.
                let unsent = writer.write_all(part.to_vec()).await;
                if !unsent.is_empty() {
                    println!("[guest] the reader is gone; {unsent:?} not sent");
                    return;
                }
            }
            println!("[guest] done");
            // `writer` is dropped here: the stream ends.
        });
        reader
    }
}

// Exports `Numbers` under the component's names, such as `[async-
// lift]book:numbers/counter#count`.
export!(Numbers);
// ANCHOR_END: all
