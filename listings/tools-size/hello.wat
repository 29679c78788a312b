;; Run it: wat2wasm listings/tools-size/hello.wat -o target/hello-wat.wasm && ci/wasi-run target/hello-wat.wasm
;; The smallest "Hello, WASI!" command there is: one import, one memory, one `_start`.
;; ANCHOR: all
(module
  ;; fd_write(fd, iovs, iovs_len, nwritten) -> errno, from WASI 0.1.
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; The text at address 16; at address 0, one iovec pointing at it:
  ;; {buf = 16, len = 13}.
  (data (i32.const 16) "Hello, WASI!\n")
  (data (i32.const 0) "\10\00\00\00\0d\00\00\00")
  (func (export "_start")
    ;; Write the one iovec to fd 1 (stdout); the count of bytes written goes to
    ;; address 8.
    (drop (call $fd_write
      (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
;; ANCHOR_END: all
