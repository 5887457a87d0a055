;; Writes to stdout (fd 1) and stderr (fd 2), including a multi-iovec (gather) write.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  (data (i32.const 128) "to stdout\n")            ;; 10
  (data (i32.const 144) "to stderr\n")            ;; 10
  (data (i32.const 160) "gathered ")              ;; 9
  (data (i32.const 176) "from three ")            ;; 11
  (data (i32.const 192) "iovecs\n")               ;; 7
  (data (i32.const 208) "bytes written: ")        ;; 15
  (data (i32.const 224) "\n")

  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $print_u32 (param $fd i32) (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 112))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (local.get $n)))
    (call $write (local.get $fd) (local.get $p) (i32.sub (i32.const 112) (local.get $p))))

  (func (export "_start")
    (local $written i32)
    (call $write (i32.const 1) (i32.const 128) (i32.const 10))
    (call $write (i32.const 2) (i32.const 144) (i32.const 10))
    ;; three iovecs at offset 32: one fd_write call writes all of them to stderr
    (i32.store (i32.const 32) (i32.const 160)) (i32.store (i32.const 36) (i32.const 9))
    (i32.store (i32.const 40) (i32.const 176)) (i32.store (i32.const 44) (i32.const 11))
    (i32.store (i32.const 48) (i32.const 192)) (i32.store (i32.const 52) (i32.const 7))
    (drop (call $fd_write (i32.const 2) (i32.const 32) (i32.const 3) (i32.const 56)))
    (local.set $written (i32.load (i32.const 56)))
    (call $write (i32.const 1) (i32.const 208) (i32.const 15))
    (call $print_u32 (i32.const 1) (local.get $written))
    (call $write (i32.const 1) (i32.const 224) (i32.const 1))))
