;; Reads all of stdin with fd_read (in small chunks) and echoes it uppercased (ASCII a-z only).
;; Fed from the sibling stdin_uppercase.stdin file.
(module
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  ;; [0,8) write iovec, [8,12) nwritten, [16,24) read iovec, [24,28) nread,
  ;; [32,36) total byte count, [1024, 1024+16) the read buffer (deliberately tiny).
  (global $buf i32 (i32.const 1024))
  (global $cap i32 (i32.const 16))

  (data (i32.const 128) "--- total bytes: ")  ;; 17 bytes
  (data (i32.const 145) "\n")

  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $print_u32 (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 96))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (local.get $n)))
    (call $print (local.get $p) (i32.sub (i32.const 96) (local.get $p))))

  (func (export "_start")
    (local $n i32) (local $i i32) (local $c i32)
    (block $eof
      (loop $read
        (i32.store (i32.const 16) (global.get $buf))
        (i32.store (i32.const 20) (global.get $cap))
        ;; stop on an error or at end of input (0 bytes read)
        (br_if $eof (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
        (local.set $n (i32.load (i32.const 24)))
        (br_if $eof (i32.eqz (local.get $n)))
        (i32.store (i32.const 32) (i32.add (i32.load (i32.const 32)) (local.get $n)))
        ;; uppercase in place
        (local.set $i (i32.const 0))
        (block $conv_done
          (loop $conv
            (br_if $conv_done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $c (i32.load8_u (i32.add (global.get $buf) (local.get $i))))
            (if (i32.and (i32.ge_u (local.get $c) (i32.const 97))
                         (i32.le_u (local.get $c) (i32.const 122)))
              (then
                (i32.store8 (i32.add (global.get $buf) (local.get $i))
                  (i32.sub (local.get $c) (i32.const 32)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $conv)))
        (call $print (global.get $buf) (local.get $n))
        (br $read)))
    (call $print (i32.const 128) (i32.const 17))
    (call $print_u32 (i32.load (i32.const 32)))
    (call $print (i32.const 145) (i32.const 1))))
