;; args_sizes_get / args_get: prints argc and whether argv[0] is a non-empty, NUL-terminated string.
;; (argv[0] itself is not printed: the program name legitimately differs between runners.)
(module
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get"
    (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  ;; [0,8) iovec, [8,12) nwritten, [16,20) argc, [20,24) argv buffer size,
  ;; [256..) argv pointer array, [1024..) argv string buffer.
  (data (i32.const 128) "argc=")           ;; 5
  (data (i32.const 133) "\n")
  (data (i32.const 134) "argv[0] non-empty: yes\n")  ;; 23
  (data (i32.const 157) "argv[0] non-empty: no\n")   ;; 22
  (data (i32.const 179) "args_sizes_get errno=")     ;; 21

  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $print_u32 (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 64))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (local.get $n)))
    (call $print (local.get $p) (i32.sub (i32.const 64) (local.get $p))))

  (func (export "_start")
    (local $errno i32) (local $arg0 i32) (local $size i32)
    (call $print (i32.const 179) (i32.const 21))
    (local.set $errno (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (call $print_u32 (local.get $errno))
    (call $print (i32.const 133) (i32.const 1))
    (call $print (i32.const 128) (i32.const 5))
    (call $print_u32 (i32.load (i32.const 16)))
    (call $print (i32.const 133) (i32.const 1))
    (if (i32.eqz (i32.load (i32.const 16))) (then (return)))
    (drop (call $args_get (i32.const 256) (i32.const 1024)))
    (local.set $arg0 (i32.load (i32.const 256)))
    (local.set $size (i32.load (i32.const 20)))
    ;; non-empty: the first byte is not NUL; terminated: the byte before the end of the buffer is NUL
    (if (i32.and
          (i32.ne (i32.load8_u (local.get $arg0)) (i32.const 0))
          (i32.eqz (i32.load8_u (i32.add (i32.const 1023) (local.get $size)))))
      (then (call $print (i32.const 134) (i32.const 23)))
      (else (call $print (i32.const 157) (i32.const 22))))))
