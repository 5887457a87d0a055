;; Hello world: one fd_write of a data-segment string to stdout (fd 1).
(module
  ;; fd_write(fd, iovs_ptr, iovs_len, nwritten_ptr) -> errno
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  ;; The message lives at offset 16 (20 bytes, including the newline).
  (data (i32.const 16) "Hello, WebAssembly!\n")

  (func (export "_start")
    ;; iovec at offset 0: { buf = 16, buf_len = 20 }
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 20))
    ;; one iovec; the number of bytes written goes to offset 8
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
