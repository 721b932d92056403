#pragma once
/// @file
/// How map_reduce sends block partials between MPI ranks: a byte encoding per type.
///
/// Built in: trivially copyable types (double, int, std::array<double, N>, plain structs) as
/// their bytes; Eigen matrices and arrays (VectorXd, MatrixXd, fixed-size, any trivially
/// copyable scalar) as rows, cols and coefficients; std::vector, std::pair and std::tuple of
/// encodable types, element by element. Every encoding copies bits, so a decoded double is
/// bit-identical to the encoded one. Both sides run the same binary: no endianness or layout
/// conversion is done (homogeneous clusters only).
///
/// For any other partial type, specialize ByteCodec:
/// @code
/// template <> struct sampo::parallel::ByteCodec<MyStats> {
///   static void encode(const MyStats& s, std::vector<std::byte>& out) {
///     ByteCodec<Eigen::VectorXd>::encode(s.sum, out);
///     ByteCodec<std::size_t>::encode(s.count, out);
///   }
///   static MyStats decode(const std::byte*& in, const std::byte* end) {
///     MyStats s;
///     s.sum = ByteCodec<Eigen::VectorXd>::decode(in, end);
///     s.count = ByteCodec<std::size_t>::decode(in, end);
///     return s;
///   }
/// };
/// @endcode

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/core/error.hpp"

namespace sampo::parallel {

/// encode(value, out) appends the bytes of value to out; decode(in, end) reads one value
/// starting at in, advances in past it, and throws sampo::numerical_error if the bytes end
/// first. Defined below for the built-in types; specialize it for others.
template <class T>
struct ByteCodec;

/// True when ByteCodec<T> can encode and decode T.
template <class T>
concept byte_encodable = requires(const T& value, std::vector<std::byte>& out,
                                  const std::byte*& in, const std::byte* end) {
  ByteCodec<T>::encode(value, out);
  { ByteCodec<T>::decode(in, end) } -> std::convertible_to<T>;
};

namespace detail {

template <class T>
struct is_std_vector : std::false_type {};
template <class U, class A>
struct is_std_vector<std::vector<U, A>> : std::true_type {};
template <class T>
struct is_std_pair : std::false_type {};
template <class A, class B>
struct is_std_pair<std::pair<A, B>> : std::true_type {};
template <class T>
struct is_std_tuple : std::false_type {};
template <class... A>
struct is_std_tuple<std::tuple<A...>> : std::true_type {};

template <class T>
constexpr bool is_eigen_plain = std::is_base_of_v<Eigen::PlainObjectBase<T>, T>;

template <class T>
constexpr bool builtin_encodable() {
  if constexpr (is_eigen_plain<T>) {
    return std::is_trivially_copyable_v<typename T::Scalar>;
  } else if constexpr (is_std_vector<T>::value) {
    return byte_encodable<typename T::value_type>;
  } else if constexpr (is_std_pair<T>::value) {
    return byte_encodable<typename T::first_type> && byte_encodable<typename T::second_type>;
  } else if constexpr (is_std_tuple<T>::value) {
    return []<class... A>(std::type_identity<std::tuple<A...>>) {
      return (byte_encodable<A> && ...);
    }(std::type_identity<T>{});
  } else {
    return std::is_trivially_copyable_v<T>;
  }
}

inline void put_bytes(std::vector<std::byte>& out, const void* data, std::size_t size) {
  const auto* p = static_cast<const std::byte*>(data);
  out.insert(out.end(), p, p + size);
}

inline void get_bytes(const std::byte*& in, const std::byte* end, void* data, std::size_t size) {
  if (static_cast<std::size_t>(end - in) < size)
    throw_numerical_error("sampo::parallel::ByteCodec::decode",
                          "the byte buffer ended inside a value (encode/decode mismatch)");
  if (size > 0) std::memcpy(data, in, size);
  in += size;
}

template <class T>
T get_trivial(const std::byte*& in, const std::byte* end) {
  std::array<std::byte, sizeof(T)> raw;
  get_bytes(in, end, raw.data(), sizeof(T));
  return std::bit_cast<T>(raw);
}

}  // namespace detail

/// The built-in encodings (see the file comment).
template <class T>
struct ByteCodec {
  /// Appends the bytes of @p value to @p out.
  static void encode(const T& value, std::vector<std::byte>& out)
    requires(detail::builtin_encodable<T>())
  {
    if constexpr (detail::is_eigen_plain<T>) {
      const std::array<std::int64_t, 2> shape{value.rows(), value.cols()};
      detail::put_bytes(out, shape.data(), sizeof shape);
      detail::put_bytes(out, value.data(),
                        sizeof(typename T::Scalar) * static_cast<std::size_t>(value.size()));
    } else if constexpr (detail::is_std_vector<T>::value) {
      using U = typename T::value_type;
      const std::uint64_t n = value.size();
      detail::put_bytes(out, &n, sizeof n);
      if constexpr (std::is_trivially_copyable_v<U> && !std::is_same_v<U, bool>) {
        detail::put_bytes(out, value.data(), n * sizeof(U));
      } else {
        for (const auto& e : value) ByteCodec<U>::encode(static_cast<const U&>(e), out);
      }
    } else if constexpr (detail::is_std_pair<T>::value) {
      ByteCodec<typename T::first_type>::encode(value.first, out);
      ByteCodec<typename T::second_type>::encode(value.second, out);
    } else if constexpr (detail::is_std_tuple<T>::value) {
      std::apply(
          [&out](const auto&... e) {
            (ByteCodec<std::decay_t<decltype(e)>>::encode(e, out), ...);
          },
          value);
    } else {
      detail::put_bytes(out, &value, sizeof(T));
    }
  }

  /// Reads one value at @p in and advances @p in past it.
  /// @throw sampo::numerical_error if fewer bytes than needed remain before @p end.
  static T decode(const std::byte*& in, const std::byte* end)
    requires(detail::builtin_encodable<T>())
  {
    if constexpr (detail::is_eigen_plain<T>) {
      const auto shape = detail::get_trivial<std::array<std::int64_t, 2>>(in, end);
      const auto left = static_cast<std::uint64_t>(end - in) / sizeof(typename T::Scalar);
      if (shape[0] < 0 || shape[1] < 0 ||
          (shape[1] > 0 && static_cast<std::uint64_t>(shape[0]) >
                               left / static_cast<std::uint64_t>(shape[1])) ||
          (T::RowsAtCompileTime != Eigen::Dynamic && shape[0] != T::RowsAtCompileTime) ||
          (T::ColsAtCompileTime != Eigen::Dynamic && shape[1] != T::ColsAtCompileTime))
        throw_numerical_error("sampo::parallel::ByteCodec::decode",
                              "bad Eigen shape in the byte buffer (encode/decode mismatch)");
      T value;
      value.resize(static_cast<Eigen::Index>(shape[0]), static_cast<Eigen::Index>(shape[1]));
      detail::get_bytes(in, end, value.data(),
                        sizeof(typename T::Scalar) * static_cast<std::size_t>(value.size()));
      return value;
    } else if constexpr (detail::is_std_vector<T>::value) {
      using U = typename T::value_type;
      const auto n = detail::get_trivial<std::uint64_t>(in, end);
      T value;
      if constexpr (std::is_trivially_copyable_v<U> && !std::is_same_v<U, bool>) {
        if (n > static_cast<std::uint64_t>(end - in) / sizeof(U))
          throw_numerical_error("sampo::parallel::ByteCodec::decode",
                                "the byte buffer ended inside a vector (encode/decode mismatch)");
        value.resize(n);
        detail::get_bytes(in, end, value.data(), n * sizeof(U));
      } else {
        value.reserve(n);
        for (std::uint64_t i = 0; i < n; ++i) value.push_back(ByteCodec<U>::decode(in, end));
      }
      return value;
    } else if constexpr (detail::is_std_pair<T>::value) {
      auto first = ByteCodec<typename T::first_type>::decode(in, end);
      auto second = ByteCodec<typename T::second_type>::decode(in, end);
      return T(std::move(first), std::move(second));
    } else if constexpr (detail::is_std_tuple<T>::value) {
      return []<class... A>(std::type_identity<std::tuple<A...>>, const std::byte*& p,
                            const std::byte* e) {
        return std::tuple<A...>{ByteCodec<A>::decode(p, e)...};  // braces: left to right
      }(std::type_identity<T>{}, in, end);
    } else {
      return detail::get_trivial<T>(in, end);
    }
  }
};

}  // namespace sampo::parallel
