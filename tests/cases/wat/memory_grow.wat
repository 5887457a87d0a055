;; memory.size / memory.grow: growing within the declared maximum, failing beyond it (-1),
;; and using the new pages (which start zeroed).
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1 4)   ;; 1 page initially, at most 4

  (data (i32.const 128) "initial pages: ")      ;; 15
  (data (i32.const 144) "grow(2) returned: ")   ;; 18
  (data (i32.const 163) "pages now: ")          ;; 11
  (data (i32.const 175) "grow(5) returned: ")   ;; 18
  (data (i32.const 194) "grow(0) returned: ")   ;; 18
  (data (i32.const 213) "value read back from the last page: ")  ;; 36
  (data (i32.const 250) "fresh page byte: ")    ;; 17
  (data (i32.const 270) "\n")

  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  ;; signed decimal: a leading '-' for negative numbers
  (func $print_i32 (param $n i32)
    (local $p i32) (local $neg i32)
    (local.set $neg (i32.lt_s (local.get $n) (i32.const 0)))
    (if (local.get $neg) (then (local.set $n (i32.sub (i32.const 0) (local.get $n)))))
    (local.set $p (i32.const 64))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (local.get $n)))
    (if (local.get $neg)
      (then
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (i32.store8 (local.get $p) (i32.const 45))))
    (call $print (local.get $p) (i32.sub (i32.const 64) (local.get $p))))

  (func $line (param $label i32) (param $len i32) (param $value i32)
    (call $print (local.get $label) (local.get $len))
    (call $print_i32 (local.get $value))
    (call $print (i32.const 270) (i32.const 1)))

  (func (export "_start")
    (local $addr i32)
    (call $line (i32.const 128) (i32.const 15) (memory.size))
    (call $line (i32.const 144) (i32.const 18) (memory.grow (i32.const 2)))
    (call $line (i32.const 163) (i32.const 11) (memory.size))
    (call $line (i32.const 175) (i32.const 18) (memory.grow (i32.const 5)))
    (call $line (i32.const 194) (i32.const 18) (memory.grow (i32.const 0)))
    ;; the fresh memory is zeroed
    (local.set $addr (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)))
    (call $line (i32.const 250) (i32.const 17) (i32.load8_u (local.get $addr)))
    ;; write and read back an i32 at the very end of memory
    (i32.store (local.get $addr) (i32.const -123456))
    (call $line (i32.const 213) (i32.const 36) (i32.load (local.get $addr)))
    (call $line (i32.const 163) (i32.const 11) (memory.size))))
