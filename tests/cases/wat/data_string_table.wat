;; Data segments holding a string table: a blob of strings plus an index of (offset, length)
;; pairs stored as little-endian i32s; also a passive segment copied in with memory.init and
;; memory.copy / memory.fill from bulk memory.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  ;; the strings, back to back, at 1024
  (data (i32.const 1024) "alphabravocharliedeltaecho")
  ;; the index at 512: five entries of { offset: i32, len: i32 }
  (data (i32.const 512)
    "\00\04\00\00" "\05\00\00\00"    ;; 1024, 5  alpha
    "\05\04\00\00" "\05\00\00\00"    ;; 1029, 5  bravo
    "\0a\04\00\00" "\07\00\00\00"    ;; 1034, 7  charlie
    "\11\04\00\00" "\05\00\00\00"    ;; 1041, 5  delta
    "\16\04\00\00" "\04\00\00\00")   ;; 1046, 4  echo
  (data (i32.const 128) ": ")
  (data (i32.const 130) "\n")
  (data $passive "(from a passive segment)")   ;; 24 bytes, not placed until memory.init

  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $print_digit (param $d i32)
    (i32.store8 (i32.const 64) (i32.add (i32.const 48) (local.get $d)))
    (call $print (i32.const 64) (i32.const 1)))

  ;; print entry i as "i: string"
  (func $entry (param $i i32)
    (local $rec i32)
    (local.set $rec (i32.add (i32.const 512) (i32.mul (local.get $i) (i32.const 8))))
    (call $print_digit (local.get $i))
    (call $print (i32.const 128) (i32.const 2))
    (call $print (i32.load (local.get $rec)) (i32.load offset=4 (local.get $rec)))
    (call $print (i32.const 130) (i32.const 1)))

  (func (export "_start")
    (local $i i32)
    ;; in reverse order: 4, 3, 2, 1, 0
    (local.set $i (i32.const 5))
    (loop $each
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (call $entry (local.get $i))
      (br_if $each (local.get $i)))
    ;; bulk memory: place the passive segment at 2048, drop it, then duplicate and pad it
    (memory.init $passive (i32.const 2048) (i32.const 0) (i32.const 24))
    (data.drop $passive)
    (call $print (i32.const 2048) (i32.const 24))
    (call $print (i32.const 130) (i32.const 1))
    (memory.copy (i32.const 3000) (i32.const 1034) (i32.const 7))     ;; "charlie"
    (memory.fill (i32.const 3007) (i32.const 33) (i32.const 3))       ;; "!!!"
    (call $print (i32.const 3000) (i32.const 10))
    (call $print (i32.const 130) (i32.const 1))))
