#include "sampo/io/npy.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <ostream>
#include <string_view>
#include <type_traits>
#include <utility>

#include "sampo/core/error.hpp"
#include "sampo/io/atomic_file.hpp"
#include "text_util.hpp"

namespace sampo::io {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr std::size_t kAlign = 64;

/// What the header says.
struct Header {
  std::string descr;
  char kind = 'f';  // 'f' float, 'i' signed, 'u' unsigned, 'b' bool
  std::size_t itemsize = 8;
  bool swap = false;  // the file's byte order differs from this machine's
  bool fortran = false;
  std::vector<std::size_t> shape;
  std::size_t count = 1;  // product of shape
  std::size_t data_offset = 0;
};

std::string shape_string(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) {
    if (k > 0) s += ", ";
    s += std::to_string(shape[k]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

/// Parses the header dict; every error names the file and quotes the header.
class DictParser {
 public:
  DictParser(std::string_view function, const std::filesystem::path& path, std::string_view text)
      : function_(function), path_(path), text_(text) {}

  [[noreturn]] void fail(const std::string& what) const {
    std::string shown(text_.substr(0, 200));
    while (!shown.empty() && (shown.back() == ' ' || shown.back() == '\n')) shown.pop_back();
    throw_io_error(function_, path_.string(),
                   "malformed .npy header: " + what + " at character " + std::to_string(pos_ + 1) +
                       " of the header \"" + shown + "\"");
  }

  void parse(Header& h) {
    bool have_descr = false, have_order = false, have_shape = false;
    skip_ws();
    expect('{');
    while (true) {
      skip_ws();
      if (peek() == '}') {
        ++pos_;
        break;
      }
      const std::string key = parse_string();
      skip_ws();
      expect(':');
      skip_ws();
      if (key == "descr") {
        if (have_descr) fail("duplicate key 'descr'");
        if (peek() == '[') fail("structured dtypes (a list as 'descr') are not supported");
        h.descr = parse_string();
        have_descr = true;
      } else if (key == "fortran_order") {
        if (have_order) fail("duplicate key 'fortran_order'");
        h.fortran = parse_bool();
        have_order = true;
      } else if (key == "shape") {
        if (have_shape) fail("duplicate key 'shape'");
        h.shape = parse_shape();
        have_shape = true;
      } else {
        fail("unexpected key '" + key + "' (expected 'descr', 'fortran_order', 'shape')");
      }
      skip_ws();
      if (peek() == ',') {
        ++pos_;
      } else if (peek() != '}') {
        fail("expected ',' or '}'");
      }
    }
    skip_ws();
    if (pos_ != text_.size()) fail("unexpected text after the closing '}'");
    if (!have_descr) fail("missing key 'descr'");
    if (!have_order) fail("missing key 'fortran_order'");
    if (!have_shape) fail("missing key 'shape'");
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_ws() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\t' || text_[pos_] == '\r'))
      ++pos_;
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string parse_string() {
    const char q = peek();
    if (q != '\'' && q != '"') fail("expected a quoted string");
    const std::size_t start = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != q) ++pos_;
    if (pos_ >= text_.size()) fail("unterminated string");
    return std::string(text_.substr(start, pos_++ - start));
  }
  bool parse_bool() {
    if (text_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("expected True or False for 'fortran_order'");
  }
  std::vector<std::size_t> parse_shape() {
    expect('(');
    std::vector<std::size_t> shape;
    while (true) {
      skip_ws();
      if (peek() == ')') {
        ++pos_;
        return shape;
      }
      if (!(peek() >= '0' && peek() <= '9')) fail("expected a non-negative integer in 'shape'");
      std::size_t v = 0;
      while (peek() >= '0' && peek() <= '9') {
        const auto digit = static_cast<std::size_t>(peek() - '0');
        if (v > (std::numeric_limits<std::size_t>::max() - digit) / 10) fail("dimension too large");
        v = v * 10 + digit;
        ++pos_;
      }
      if (peek() == 'L') ++pos_;  // Python 2 long literal, written by old NumPy
      shape.push_back(v);
      skip_ws();
      if (peek() == ',') {
        ++pos_;
      } else if (peek() != ')') {
        fail("expected ',' or ')' in 'shape'");
      }
    }
  }

  std::string_view function_;
  const std::filesystem::path& path_;
  std::string_view text_;
  std::size_t pos_ = 0;
};

/// Parses the preamble and the header and checks that the data has the size the shape says.
Header parse(std::string_view function, const std::filesystem::path& path, std::string_view bytes) {
  auto fail = [&](const std::string& what) { throw_io_error(function, path.string(), what); };
  if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic)
    fail("not a .npy file (bad magic: the file must start with \"\\x93NUMPY\")");
  if (bytes.size() < 8) fail("truncated .npy header (the file ends inside the version bytes)");
  const auto major = static_cast<unsigned char>(bytes[6]);
  const auto minor = static_cast<unsigned char>(bytes[7]);
  if (major < 1 || major > 3 || minor != 0)
    fail("unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
         " (supported: 1.0, 2.0, 3.0)");
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + len_bytes)
    fail("truncated .npy header (the file ends inside the header length)");
  std::size_t header_len = 0;
  for (std::size_t k = 0; k < len_bytes; ++k)
    header_len |= static_cast<std::size_t>(static_cast<unsigned char>(bytes[8 + k])) << (8 * k);
  const std::size_t start = 8 + len_bytes;
  if (bytes.size() - start < header_len)
    fail("truncated .npy header: it declares " + std::to_string(header_len) +
         " bytes, the file has " + std::to_string(bytes.size() - start) + " after the preamble");

  Header h;
  DictParser(function, path, bytes.substr(start, header_len)).parse(h);
  h.data_offset = start + header_len;

  // descr: byte order, kind, item size.
  const std::string& d = h.descr;
  auto unsupported = [&] {
    fail("unsupported dtype '" + d +
         "' (supported: float64/float32 'f8'/'f4', integers 'i1'..'i8' and 'u1'..'u8', bool 'b1', "
         "with byte order '<', '>', '|' or '=')");
  };
  if (d.size() < 3 || std::string_view("<>|=").find(d[0]) == std::string_view::npos) unsupported();
  h.kind = d[1];
  const std::string_view size_text = std::string_view(d).substr(2);
  if (size_text.size() != 1) unsupported();
  h.itemsize = static_cast<std::size_t>(size_text[0] - '0');
  const bool ok = (h.kind == 'f' && (h.itemsize == 4 || h.itemsize == 8)) ||
                  ((h.kind == 'i' || h.kind == 'u') &&
                   (h.itemsize == 1 || h.itemsize == 2 || h.itemsize == 4 || h.itemsize == 8)) ||
                  (h.kind == 'b' && h.itemsize == 1);
  if (!ok) unsupported();
  if (d[0] == '|' && h.itemsize != 1) unsupported();
  const bool file_little =
      d[0] == '<' || (d[0] == '=' && std::endian::native == std::endian::little);
  h.swap = h.itemsize > 1 && file_little != (std::endian::native == std::endian::little);

  // Size of the data.
  h.count = 1;
  for (std::size_t n : h.shape) {
    if (n != 0 && h.count > std::numeric_limits<std::size_t>::max() / n)
      fail("shape " + shape_string(h.shape) + " is too large");
    h.count *= n;
  }
  if (h.count > std::numeric_limits<std::size_t>::max() / h.itemsize)
    fail("shape " + shape_string(h.shape) + " is too large");
  const std::size_t need = h.count * h.itemsize, have = bytes.size() - h.data_offset;
  if (need != have)
    fail(std::string(need > have ? "truncated data" : "data longer than the shape says") +
         ": shape " + shape_string(h.shape) + " of '" + d + "' needs " + std::to_string(need) +
         " bytes, the file has " + std::to_string(have) + " after the header");
  return h;
}

/// Reads element @p i of type T from @p data, swapping bytes if needed.
template <typename T>
T load(const char* data, std::size_t i, bool swap) {
  unsigned char b[sizeof(T)];
  std::memcpy(b, data + i * sizeof(T), sizeof(T));
  if (swap) std::reverse(b, b + sizeof(T));
  T v;
  std::memcpy(&v, b, sizeof(T));
  return v;
}

/// Applies @p fn(i, value) to every element, with the element's C type.
template <typename Fn>
void for_each_value(const Header& h, const char* data, Fn&& fn) {
  auto run = [&](auto tag) {
    using T = decltype(tag);
    for (std::size_t i = 0; i < h.count; ++i) fn(i, load<T>(data, i, h.swap));
  };
  switch (h.kind) {
    case 'f':
      h.itemsize == 8 ? run(double{}) : run(float{});
      break;
    case 'b':
      run(std::uint8_t{});
      break;  // handled as 0 / non-zero by the callers
    case 'i':
      switch (h.itemsize) {
        case 1:
          run(std::int8_t{});
          break;
        case 2:
          run(std::int16_t{});
          break;
        case 4:
          run(std::int32_t{});
          break;
        default:
          run(std::int64_t{});
          break;
      }
      break;
    default:
      switch (h.itemsize) {
        case 1:
          run(std::uint8_t{});
          break;
        case 2:
          run(std::uint16_t{});
          break;
        case 4:
          run(std::uint32_t{});
          break;
        default:
          run(std::uint64_t{});
          break;
      }
  }
}

/// Permutes Fortran-order values into C order.
template <typename T>
std::vector<T> fortran_to_c(const std::vector<T>& f, const std::vector<std::size_t>& shape) {
  const std::size_t nd = shape.size();
  if (nd < 2 || f.empty()) return f;
  std::vector<std::size_t> stride(nd, 1);  // Fortran strides
  for (std::size_t k = 1; k < nd; ++k) stride[k] = stride[k - 1] * shape[k - 1];
  std::vector<T> c(f.size());
  std::vector<std::size_t> idx(nd, 0);
  std::size_t off = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    c[i] = f[off];
    for (std::size_t k = nd; k-- > 0;) {  // C order: last index fastest
      if (++idx[k] < shape[k]) {
        off += stride[k];
        break;
      }
      off -= (shape[k] - 1) * stride[k];
      idx[k] = 0;
    }
  }
  return c;
}

struct Loaded {
  std::string bytes;
  Header header;
};

Loaded load_file(std::string_view function, const std::filesystem::path& path) {
  Loaded l;
  l.bytes = detail::read_file(function, path);
  l.header = parse(function, path, l.bytes);
  return l;
}

NpyArray to_array(const Loaded& l) {
  const Header& h = l.header;
  std::vector<double> v(h.count);
  const bool is_bool = h.kind == 'b';
  for_each_value(h, l.bytes.data() + h.data_offset, [&](std::size_t i, auto x) {
    v[i] = is_bool ? (x != 0 ? 1.0 : 0.0) : static_cast<double>(x);
  });
  NpyArray a;
  a.shape = h.shape;
  a.values = h.fortran ? fortran_to_c(v, h.shape) : std::move(v);
  a.dtype = h.descr;
  return a;
}

/// True for 1-D or 2-D with one row or column.
bool vector_shaped(const std::vector<std::size_t>& s) {
  return s.size() == 1 || (s.size() == 2 && (s[0] == 1 || s[1] == 1));
}

[[noreturn]] void wrong_shape(std::string_view function, const std::filesystem::path& path,
                              const std::vector<std::size_t>& shape, std::string_view want) {
  throw_io_error(
      function, path.string(),
      "array of shape " + shape_string(shape) + " where " + std::string(want) + " is expected");
}

// ---- writing ----------------------------------------------------------------------------

std::string preamble(std::string_view descr, const std::vector<std::size_t>& shape) {
  const std::string dict = "{'descr': '" + std::string(descr) +
                           "', 'fortran_order': False, 'shape': " + shape_string(shape) + ", }";
  for (int major : {1, 2}) {
    const std::size_t prefix = kMagic.size() + 2 + (major == 1 ? 2 : 4);
    const std::size_t unpadded = prefix + dict.size() + 1;  // + '\n'
    const std::size_t header_len = dict.size() + 1 + (kAlign - unpadded % kAlign) % kAlign;
    if (major == 1 && header_len > 0xFFFF) continue;
    std::string out(kMagic);
    out += static_cast<char>(major);
    out += '\0';
    for (std::size_t k = 0; k < (major == 1 ? 2u : 4u); ++k)
      out += static_cast<char>((header_len >> (8 * k)) & 0xFF);
    out += dict;
    out.append(header_len - dict.size() - 1, ' ');
    out += '\n';
    return out;
  }
  throw_invalid_argument("sampo::io::write_npy", "shape", shape_string(shape), "header too long");
}

/// Writes the header then count values produced by @p value(i), little-endian.
template <typename T, typename ValueFn>
void write_values(const std::filesystem::path& path, std::string_view descr,
                  const std::vector<std::size_t>& shape, std::size_t count, ValueFn value) {
  write_file_atomic(path, [&](std::ostream& os) {
    const std::string head = preamble(descr, shape);
    os.write(head.data(), static_cast<std::streamsize>(head.size()));
    constexpr std::size_t kChunk = 4096;
    std::vector<char> buf(kChunk * sizeof(T));
    for (std::size_t i = 0; i < count;) {
      const std::size_t n = std::min(kChunk, count - i);
      for (std::size_t k = 0; k < n; ++k, ++i) {
        const T x = value(i);
        unsigned char b[sizeof(T)];
        std::memcpy(b, &x, sizeof(T));
        if constexpr (std::endian::native == std::endian::big) std::reverse(b, b + sizeof(T));
        std::memcpy(buf.data() + k * sizeof(T), b, sizeof(T));
      }
      os.write(buf.data(), static_cast<std::streamsize>(n * sizeof(T)));
    }
  });
}

}  // namespace

std::size_t NpyArray::size() const noexcept {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  return n;
}

NpyArray detail::npy_from_bytes(std::string_view function, const std::filesystem::path& where,
                                std::string bytes) {
  Loaded l;
  l.bytes = std::move(bytes);
  l.header = parse(function, where, l.bytes);
  return to_array(l);
}

NpyArray read_npy(const std::filesystem::path& path) {
  return to_array(load_file("sampo::io::read_npy", path));
}

Eigen::MatrixXd read_npy_matrix(const std::filesystem::path& path) {
  constexpr std::string_view f = "sampo::io::read_npy_matrix";
  const NpyArray a = to_array(load_file(f, path));
  if (a.shape.size() == 1)
    return Eigen::Map<const Eigen::VectorXd>(a.values.data(),
                                             static_cast<Eigen::Index>(a.shape[0]));
  if (a.shape.size() != 2) wrong_shape(f, path, a.shape, "a 2-D (or 1-D) array");
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::Map<const RowMajor>(a.values.data(), static_cast<Eigen::Index>(a.shape[0]),
                                    static_cast<Eigen::Index>(a.shape[1]));
}

Eigen::VectorXd read_npy_vector(const std::filesystem::path& path) {
  constexpr std::string_view f = "sampo::io::read_npy_vector";
  const NpyArray a = to_array(load_file(f, path));
  if (!vector_shaped(a.shape))
    wrong_shape(f, path, a.shape, "a 1-D array (or 2-D with one row or column)");
  return Eigen::Map<const Eigen::VectorXd>(a.values.data(),
                                           static_cast<Eigen::Index>(a.values.size()));
}

std::vector<Eigen::MatrixXd> read_npy_stack(const std::filesystem::path& path) {
  constexpr std::string_view f = "sampo::io::read_npy_stack";
  const NpyArray a = to_array(load_file(f, path));
  if (a.shape.size() != 3)
    wrong_shape(f, path, a.shape, "a 3-D array (n matrices, n x rows x cols)");
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const auto r = static_cast<Eigen::Index>(a.shape[1]), c = static_cast<Eigen::Index>(a.shape[2]);
  std::vector<Eigen::MatrixXd> out;
  out.reserve(a.shape[0]);
  for (std::size_t k = 0; k < a.shape[0]; ++k)
    out.emplace_back(
        Eigen::Map<const RowMajor>(a.values.data() + k * a.shape[1] * a.shape[2], r, c));
  return out;
}

std::vector<std::int64_t> read_npy_int(const std::filesystem::path& path) {
  constexpr std::string_view f = "sampo::io::read_npy_int";
  const Loaded l = load_file(f, path);
  const Header& h = l.header;
  if (!vector_shaped(h.shape))
    wrong_shape(f, path, h.shape, "a 1-D array (or 2-D with one row or column)");
  std::vector<std::int64_t> v(h.count);
  for_each_value(h, l.bytes.data() + h.data_offset, [&](std::size_t i, auto x) {
    using T = decltype(x);
    if constexpr (std::is_floating_point_v<T>) {
      // 2^63 is exactly representable; every integral double in [-2^63, 2^63) fits int64.
      if (!(std::trunc(x) == x && x >= -9223372036854775808.0 && x < 9223372036854775808.0))
        throw_io_error(f, path.string(),
                       "entry " + std::to_string(i) + " = " + format_value(static_cast<double>(x)) +
                           " of the '" + h.descr + "' array is not an integer");
      v[i] = static_cast<std::int64_t>(x);
    } else if constexpr (std::is_same_v<T, std::uint64_t>) {
      if (x > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        throw_io_error(
            f, path.string(),
            "entry " + std::to_string(i) + " = " + std::to_string(x) + " exceeds INT64_MAX");
      v[i] = static_cast<std::int64_t>(x);
    } else {
      v[i] = h.kind == 'b' ? (x != 0 ? 1 : 0) : static_cast<std::int64_t>(x);
    }
  });
  return v;  // 1-D or one row/column: Fortran and C order coincide
}

void write_npy_matrix(const std::filesystem::path& path,
                      const Eigen::Ref<const Eigen::MatrixXd>& m) {
  const auto cols = static_cast<std::size_t>(m.cols());
  write_values<double>(path, "<f8", {static_cast<std::size_t>(m.rows()), cols},
                       static_cast<std::size_t>(m.size()), [&](std::size_t i) {
                         return m(static_cast<Eigen::Index>(i / cols),
                                  static_cast<Eigen::Index>(i % cols));
                       });
}

void write_npy_vector(const std::filesystem::path& path,
                      const Eigen::Ref<const Eigen::VectorXd>& v) {
  write_values<double>(path, "<f8", {static_cast<std::size_t>(v.size())},
                       static_cast<std::size_t>(v.size()),
                       [&](std::size_t i) { return v(static_cast<Eigen::Index>(i)); });
}

void write_npy_stack(const std::filesystem::path& path, const std::vector<Eigen::MatrixXd>& stack) {
  const Eigen::Index r = stack.empty() ? 0 : stack[0].rows(),
                     c = stack.empty() ? 0 : stack[0].cols();
  for (std::size_t k = 1; k < stack.size(); ++k)
    if (stack[k].rows() != r || stack[k].cols() != c)
      throw_invalid_argument(
          "sampo::io::write_npy_stack", "stack[" + std::to_string(k) + "]",
          std::to_string(stack[k].rows()) + "x" + std::to_string(stack[k].cols()),
          "every matrix must have the size of stack[0] (" + std::to_string(r) + "x" +
              std::to_string(c) + ")");
  const auto per = static_cast<std::size_t>(r * c);
  const auto cols = static_cast<std::size_t>(c);
  write_values<double>(path, "<f8", {stack.size(), static_cast<std::size_t>(r), cols},
                       stack.size() * per, [&](std::size_t i) {
                         const std::size_t k = i / per, e = i % per;
                         return stack[k](static_cast<Eigen::Index>(e / cols),
                                         static_cast<Eigen::Index>(e % cols));
                       });
}

void write_npy_int(const std::filesystem::path& path, const std::vector<std::int64_t>& values) {
  write_values<std::int64_t>(path, "<i8", {values.size()}, values.size(),
                             [&](std::size_t i) { return values[i]; });
}

void write_npy(const std::filesystem::path& path, const NpyArray& array) {
  if (array.values.size() != array.size())
    throw_invalid_argument("sampo::io::write_npy", "array", {},
                           "has " + std::to_string(array.values.size()) + " values but shape " +
                               shape_string(array.shape) + " needs " +
                               std::to_string(array.size()));
  write_values<double>(path, "<f8", array.shape, array.values.size(),
                       [&](std::size_t i) { return array.values[i]; });
}

}  // namespace sampo::io
