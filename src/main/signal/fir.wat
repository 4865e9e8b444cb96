;; Polyphase FIR of resample.ts (scipy.signal.resample_poly), f32x4 SIMD.
;;
;; fir-wasm.ts lays out memory: the zero-padded input stretch xp (f32, whole-signal samples lo,
;; lo+1, ...), a phase table of (byte address, length) i32 pairs, each phase's taps (f32) stored in
;; reverse (so output k = sum_i g[i] * xp[nHi(k) - len + 1 + i - lo] is one contiguous dot
;; product), and the outputs (f64). f32 lanes: twice the products of f64x2 per instruction, and
;; over up to ~400 taps the sums stay within 3e-7 of the signal RMS of the f64 JS path (tested to
;; 1e-6), below what the canonical store's float32 keeps of an ECG anyway.
(module
  (memory (export "memory") 1)

  ;; Four outputs sharing one phase: taps at $t (len of them), inputs at $a + q*$d bytes, results
  ;; (f64, times $scale) to $o + q*$os bytes, q = 0..3. Each tap quad is loaded once for four products.
  (func $four (param $t i32) (param $len i32) (param $a i32) (param $d i32) (param $o i32) (param $os i32) (param $scale f64)
    (local $end i32) (local $g v128) (local $h f32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $r0 f32) (local $r1 f32) (local $r2 f32) (local $r3 f32)
    (local.set $a1 (i32.add (local.get $a) (local.get $d)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $d)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $d)))
    ;; Eight taps a turn (two quads: fewer pointer updates per product), then a last quad.
    (local.set $end (i32.add (local.get $t) (i32.shl (i32.and (local.get $len) (i32.const -8)) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $t) (local.get $end)))
      (loop $octs
        (local.set $g (v128.load (local.get $t)))
        (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $g) (v128.load align=4 (local.get $a)))))
        (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $g) (v128.load align=4 (local.get $a1)))))
        (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $g) (v128.load align=4 (local.get $a2)))))
        (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $g) (v128.load align=4 (local.get $a3)))))
        (local.set $g (v128.load offset=16 (local.get $t)))
        (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $g) (v128.load offset=16 align=4 (local.get $a)))))
        (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $g) (v128.load offset=16 align=4 (local.get $a1)))))
        (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $g) (v128.load offset=16 align=4 (local.get $a2)))))
        (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $g) (v128.load offset=16 align=4 (local.get $a3)))))
        (local.set $t (i32.add (local.get $t) (i32.const 32)))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $a1 (i32.add (local.get $a1) (i32.const 32)))
        (local.set $a2 (i32.add (local.get $a2) (i32.const 32)))
        (local.set $a3 (i32.add (local.get $a3) (i32.const 32)))
        (br_if $octs (i32.lt_u (local.get $t) (local.get $end)))))
    (if (i32.and (local.get $len) (i32.const 4))
      (then
        (local.set $g (v128.load (local.get $t)))
        (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $g) (v128.load align=4 (local.get $a)))))
        (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $g) (v128.load align=4 (local.get $a1)))))
        (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $g) (v128.load align=4 (local.get $a2)))))
        (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $g) (v128.load align=4 (local.get $a3)))))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $a1 (i32.add (local.get $a1) (i32.const 16)))
        (local.set $a2 (i32.add (local.get $a2) (i32.const 16)))
        (local.set $a3 (i32.add (local.get $a3) (i32.const 16)))))
    ;; The last len % 4 taps one by one (padding taps with zeros would let a NaN beyond the
    ;; support into the sum).
    (local.set $end (i32.add (local.get $t) (i32.shl (i32.and (local.get $len) (i32.const 3)) (i32.const 2))))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $t) (local.get $end)))
        (local.set $h (f32.load (local.get $t)))
        (local.set $r0 (f32.add (local.get $r0) (f32.mul (local.get $h) (f32.load (local.get $a)))))
        (local.set $r1 (f32.add (local.get $r1) (f32.mul (local.get $h) (f32.load (local.get $a1)))))
        (local.set $r2 (f32.add (local.get $r2) (f32.mul (local.get $h) (f32.load (local.get $a2)))))
        (local.set $r3 (f32.add (local.get $r3) (f32.mul (local.get $h) (f32.load (local.get $a3)))))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $a1 (i32.add (local.get $a1) (i32.const 4)))
        (local.set $a2 (i32.add (local.get $a2) (i32.const 4)))
        (local.set $a3 (i32.add (local.get $a3) (i32.const 4)))
        (br $tail)))
    (f64.store (local.get $o) (f64.mul (call $total (local.get $s0) (local.get $r0)) (local.get $scale)))
    (local.set $o (i32.add (local.get $o) (local.get $os)))
    (f64.store (local.get $o) (f64.mul (call $total (local.get $s1) (local.get $r1)) (local.get $scale)))
    (local.set $o (i32.add (local.get $o) (local.get $os)))
    (f64.store (local.get $o) (f64.mul (call $total (local.get $s2) (local.get $r2)) (local.get $scale)))
    (local.set $o (i32.add (local.get $o) (local.get $os)))
    (f64.store (local.get $o) (f64.mul (call $total (local.get $s3) (local.get $r3)) (local.get $scale))))

  ;; The four lanes and the tail of one output, summed pairwise, as f64.
  (func $total (param $s v128) (param $r f32) (result f64)
    (f64.promote_f32 (f32.add
      (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $s)) (f32x4.extract_lane 1 (local.get $s)))
        (f32.add (f32x4.extract_lane 2 (local.get $s)) (f32x4.extract_lane 3 (local.get $s))))
      (local.get $r))))

  ;; One output: the stragglers after the blocks of four.
  (func $one (param $t i32) (param $len i32) (param $a i32) (param $o i32) (param $scale f64)
    (local $end i32) (local $s v128) (local $r f32)
    (local.set $end (i32.add (local.get $t) (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $t) (local.get $end)))
      (loop $quads
        (local.set $s (f32x4.add (local.get $s) (f32x4.mul (v128.load (local.get $t)) (v128.load align=4 (local.get $a)))))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br_if $quads (i32.lt_u (local.get $t) (local.get $end)))))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $len) (i32.const 3)) (i32.const 2))))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $t) (local.get $end)))
        (local.set $r (f32.add (local.get $r) (f32.mul (f32.load (local.get $t)) (f32.load (local.get $a)))))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (br $tail)))
    (f64.store (local.get $o) (f64.mul (call $total (local.get $s) (local.get $r)) (local.get $scale))))

  ;; Outputs first..first+count-1 (times scale) to $out. $xp holds whole-signal samples from $lo on,
  ;; zero-padded to cover every output's support; $table holds per phase (taps byte address, length).
  ;; Outputs j, j+up, j+2up, ... share a phase and sit `down` input samples apart.
  ;; Sample indices travel as f64 (exact integers): (first+j)*down can pass 2^31 on long records.
  (func (export "run") (param $xp i32) (param $lo f64) (param $table i32)
    (param $up i32) (param $down i32) (param $half i32) (param $first f64) (param $count i32)
    (param $out i32) (param $scale f64)
    (local $j0 i32) (local $j i32) (local $phases i32) (local $c f64) (local $nHi f64) (local $r i32)
    (local $t i32) (local $len i32) (local $a i32) (local $o i32)
    (local $da i32) (local $da4 i32) (local $do i32) (local $do4 i32) (local $up3 i32)
    (local.set $phases (select (local.get $up) (local.get $count) (i32.lt_u (local.get $up) (local.get $count))))
    (local.set $da (i32.shl (local.get $down) (i32.const 2)))
    (local.set $da4 (i32.shl (local.get $down) (i32.const 4)))
    (local.set $do (i32.shl (local.get $up) (i32.const 3)))
    (local.set $do4 (i32.shl (local.get $up) (i32.const 5)))
    (local.set $up3 (i32.mul (local.get $up) (i32.const 3)))
    (block $phasesDone
      (br_if $phasesDone (i32.le_s (local.get $phases) (i32.const 0)))
      (loop $phase
        (local.set $c (f64.add
          (f64.mul (f64.add (local.get $first) (f64.convert_i32_u (local.get $j0))) (f64.convert_i32_u (local.get $down)))
          (f64.convert_i32_u (local.get $half))))
        (local.set $nHi (f64.floor (f64.div (local.get $c) (f64.convert_i32_u (local.get $up)))))
        (local.set $r (i32.trunc_f64_s (f64.sub (local.get $c) (f64.mul (local.get $nHi) (f64.convert_i32_u (local.get $up))))))
        (local.set $t (i32.load (i32.add (local.get $table) (i32.shl (local.get $r) (i32.const 3)))))
        (local.set $len (i32.load offset=4 (i32.add (local.get $table) (i32.shl (local.get $r) (i32.const 3)))))
        ;; First input of the dot product: nHi - len + 1, relative to lo.
        (local.set $a (i32.add (local.get $xp) (i32.shl
          (i32.trunc_f64_s (f64.sub (f64.sub (local.get $nHi) (f64.convert_i32_s (i32.sub (local.get $len) (i32.const 1)))) (local.get $lo)))
          (i32.const 2))))
        (local.set $j (local.get $j0))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $j0) (i32.const 3))))
        (block $blocksDone
          (loop $blocks
            (br_if $blocksDone (i32.ge_s (i32.add (local.get $j) (local.get $up3)) (local.get $count)))
            (call $four (local.get $t) (local.get $len) (local.get $a) (local.get $da) (local.get $o) (local.get $do) (local.get $scale))
            (local.set $j (i32.add (local.get $j) (i32.shl (local.get $up) (i32.const 2))))
            (local.set $a (i32.add (local.get $a) (local.get $da4)))
            (local.set $o (i32.add (local.get $o) (local.get $do4)))
            (br $blocks)))
        (block $singlesDone
          (loop $singles
            (br_if $singlesDone (i32.ge_s (local.get $j) (local.get $count)))
            (call $one (local.get $t) (local.get $len) (local.get $a) (local.get $o) (local.get $scale))
            (local.set $j (i32.add (local.get $j) (local.get $up)))
            (local.set $a (i32.add (local.get $a) (local.get $da)))
            (local.set $o (i32.add (local.get $o) (local.get $do)))
            (br $singles)))
        (local.set $j0 (i32.add (local.get $j0) (i32.const 1)))
        (br_if $phase (i32.lt_s (local.get $j0) (local.get $phases)))))))
