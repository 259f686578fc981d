// Little-endian byte writer and bounds-checked reader for the snapshot format.
//
// Example:
//   hearth::ByteWriter w;
//   w.U32(7); w.Str("trail");
//   hearth::ByteReader r(w.data());
//   uint32_t n; std::string s;
//   if (!r.U32(&n) || !r.Str(&s, 64)) { /* truncated or over the limit */ }
//
// The reader never reads past its input and never allocates more than the
// caller's limit allows, so a hostile blob cannot make it crash or balloon.
#ifndef HEARTH_COMMON_BYTES_H_
#define HEARTH_COMMON_BYTES_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace hearth {

class ByteWriter {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U16(uint16_t v) { Fixed<uint32_t>(v, 2); }
  void U32(uint32_t v) { Fixed<uint32_t>(v, 4); }
  void U64(uint64_t v) { Fixed<uint64_t>(v, 8); }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void F32(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    U32(bits);
  }
  void F64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    U64(bits);
  }
  // Length-prefixed (u32) bytes.
  void Str(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    out_.append(s.data(), s.size());
  }
  void Raw(std::string_view s) { out_.append(s.data(), s.size()); }
  // Overwrites 4 bytes at `pos` (used to patch lengths after the fact).
  void PatchU32(size_t pos, uint32_t v) {
    char buf[4];
    StoreLE(v, buf, 4);
    std::memcpy(&out_[pos], buf, 4);
  }
  // Capacity hint, so a writer that knows roughly how much it will write
  // grows its buffer once.
  void Reserve(size_t n) { out_.reserve(n); }
  size_t size() const { return out_.size(); }
  const std::string& data() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  // One append per value, not one push_back per byte: each push_back checks
  // capacity, which made snapshot encoding ~4x slower in wasm than natively.
  template <typename T>
  void Fixed(T v, int n) {
    char buf[8];
    StoreLE(v, buf, n);
    out_.append(buf, static_cast<size_t>(n));
  }
  // Little-endian bytes of `v`; the constant-count loop compiles to a single
  // store on little-endian targets (x86, wasm).
  template <typename T>
  static void StoreLE(T v, char* out, int n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    std::memcpy(out, &v, static_cast<size_t>(n));  // the low n bytes, one store once inlined
#else
    for (int i = 0; i < n; ++i) out[i] = static_cast<char>(v >> (8 * i));
#endif
  }
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  bool U8(uint8_t* v) { return Fixed(v, 1); }
  bool U16(uint16_t* v) { return Fixed(v, 2); }
  bool U32(uint32_t* v) { return Fixed(v, 4); }
  bool U64(uint64_t* v) { return Fixed(v, 8); }
  bool I64(int64_t* v) {
    uint64_t u;
    if (!U64(&u)) return false;
    *v = static_cast<int64_t>(u);
    return true;
  }
  bool F32(float* v) {
    uint32_t bits;
    if (!U32(&bits)) return false;
    std::memcpy(v, &bits, 4);
    return true;
  }
  bool F64(double* v) {
    uint64_t bits;
    if (!U64(&bits)) return false;
    std::memcpy(v, &bits, 8);
    return true;
  }
  // Reads a length-prefixed string no longer than `max_len`.
  bool Str(std::string* s, size_t max_len) {
    uint32_t n;
    if (!U32(&n) || n > max_len || n > remaining()) return false;
    s->assign(in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool Raw(std::string_view* s, size_t n) {
    if (n > remaining()) return false;
    *s = in_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  size_t remaining() const { return in_.size() - pos_; }
  size_t position() const { return pos_; }
  bool done() const { return pos_ == in_.size(); }

 private:
  // One unaligned load on little-endian hosts (x86, ARM, wasm): a memcpy of
  // a constant size compiles to a single load. The byte-by-byte assembly it
  // replaces was not merged into one load by clang for wasm (the packed
  // track path read every event through it twice: ~14% of trackMany() in a
  // wasm profile). Big-endian hosts assemble the bytes.
  template <typename T>
  bool Fixed(T* v, int n) {
    if (remaining() < static_cast<size_t>(n)) return false;
    const char* p = in_.data() + pos_;
    pos_ += n;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n == static_cast<int>(sizeof(T))) {
      std::memcpy(v, p, sizeof(T));
      return true;
    }
#endif
    using Acc = std::conditional_t<(sizeof(T) > 4), uint64_t, uint32_t>;
    Acc acc = 0;
    for (int i = 0; i < n; ++i) acc |= static_cast<Acc>(static_cast<uint8_t>(p[i])) << (8 * i);
    *v = static_cast<T>(acc);
    return true;
  }
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace hearth

#endif  // HEARTH_COMMON_BYTES_H_
