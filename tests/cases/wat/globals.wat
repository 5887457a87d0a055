;; Globals: a mutable counter, an immutable constant, an exported mutable global, i64 and f64
;; globals, and a global used as a bump allocator's heap pointer.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  (global $counter (mut i32) (i32.const 0))
  (global $step i32 (i32.const 5))
  (global $total (export "total") (mut i64) (i64.const 0))
  (global $scale (mut f64) (f64.const 0.5))
  (global $heap (mut i32) (i32.const 4096))

  (data (i32.const 128) "counter=")   ;; 8
  (data (i32.const 136) " total=")    ;; 7
  (data (i32.const 143) " scaled=")   ;; 8
  (data (i32.const 151) "\n")
  (data (i32.const 152) "allocated at ")  ;; 13

  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $print_u64 (param $n i64)
    (local $p i32)
    (local.set $p (i32.const 96))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $n) (i64.const 10)))))
      (local.set $n (i64.div_u (local.get $n) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $n) (i64.const 0))))
    (call $print (local.get $p) (i32.sub (i32.const 96) (local.get $p))))

  (func $tick
    (global.set $counter (i32.add (global.get $counter) (global.get $step)))
    (global.set $total (i64.add (global.get $total)
      (i64.mul (i64.extend_i32_u (global.get $counter)) (i64.const 1000000000))))
    (global.set $scale (f64.mul (global.get $scale) (f64.const 3))))

  (func $report
    (call $print (i32.const 128) (i32.const 8))
    (call $print_u64 (i64.extend_i32_u (global.get $counter)))
    (call $print (i32.const 136) (i32.const 7))
    (call $print_u64 (global.get $total))
    (call $print (i32.const 143) (i32.const 8))
    (call $print_u64 (i64.trunc_f64_u (global.get $scale)))
    (call $print (i32.const 151) (i32.const 1)))

  ;; bump allocator: returns the old heap pointer, advances by size rounded up to 8
  (func $alloc (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $heap))
    (global.set $heap
      (i32.and (i32.add (i32.add (global.get $heap) (local.get $size)) (i32.const 7))
               (i32.const -8)))
    (local.get $ptr))

  (func (export "_start")
    (local $i i32)
    (call $report)
    (loop $again
      (call $tick)
      (call $report)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 4))))
    (local.set $i (i32.const 0))
    (loop $allocs
      (call $print (i32.const 152) (i32.const 13))
      (call $print_u64 (i64.extend_i32_u (call $alloc (i32.add (i32.mul (local.get $i) (i32.const 5)) (i32.const 1)))))
      (call $print (i32.const 151) (i32.const 1))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $allocs (i32.lt_u (local.get $i) (i32.const 4))))))
