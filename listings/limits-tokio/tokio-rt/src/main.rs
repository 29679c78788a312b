// Run it: cargo run -q -p tokio-rt --target wasm32-wasip1   (or --target wasm32-wasip2)
// ANCHOR: all
use std::time::Duration;
use tokio::sync::mpsc;

// One thread: the runtime interleaves tasks at their `.await` points.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (tx, mut rx) = mpsc::channel(4);
    for (name, ms) in [("slow", 30), ("fast", 10)] {
        let tx = tx.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            tx.send(format!("{name} task woke after {ms} ms"))
                .await
                .unwrap();
        });
    }
    drop(tx);
    while let Some(line) = rx.recv().await {
        println!("{line}");
    }
    println!("all tasks done, on one thread");
}
// ANCHOR_END: all
