// Seeded randomness for the core: everything random in Hearth draws from an
// Rng that the host seeds, so a seed replays the same decisions everywhere.
//
// Example:
//   hearth::Rng rng(42);
//   double u = rng.Uniform();           // [0, 1)
//   double b = rng.Beta(3, 5);          // Thompson sampling
//
// xoshiro256** seeded through splitmix64; the state is four words so it can
// be saved in a snapshot and resumed.
#ifndef HEARTH_COMMON_RANDOM_H_
#define HEARTH_COMMON_RANDOM_H_

#include <array>
#include <cmath>
#include <cstdint>

namespace hearth {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0x9e3779b97f4a7c15ull) { Seed(seed); }

  void Seed(uint64_t seed) {
    for (uint64_t& w : s_) {
      seed += 0x9e3779b97f4a7c15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      w = z ^ (z >> 31);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Gamma(shape, 1) by Marsaglia–Tsang; shape > 0.
  double Gamma(double shape) {
    if (shape < 1) return Gamma(shape + 1) * std::pow(UniformOpen(), 1.0 / shape);
    const double d = shape - 1.0 / 3, c = 1 / std::sqrt(9 * d);
    for (;;) {
      double x, v;
      do {
        x = Normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const double u = UniformOpen();
      if (u < 1 - 0.0331 * x * x * x * x || std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v))) return d * v;
    }
  }

  double Beta(double a, double b) {
    const double x = Gamma(a), y = Gamma(b);
    return x / (x + y);
  }

  const std::array<uint64_t, 4>& state() const { return s_; }
  void set_state(const std::array<uint64_t, 4>& s) { s_ = s; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  double UniformOpen() {
    double u;
    do u = Uniform();
    while (u == 0);
    return u;
  }
  double Normal() {  // Box–Muller; one of the pair is enough here
    const double u = UniformOpen(), v = Uniform();
    return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * v);
  }

  std::array<uint64_t, 4> s_;
};

}  // namespace hearth

#endif  // HEARTH_COMMON_RANDOM_H_
