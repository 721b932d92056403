#include "sampo/io/npz.hpp"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sampo/core/error.hpp"
#include "text_util.hpp"

namespace sampo::io {
namespace {

constexpr const char* kFn = "sampo::io::read_npz_sparse";

/// Little-endian reads from a byte string, bounds-checked by the caller's fail().
class Bytes {
 public:
  Bytes(const std::string& s, const std::filesystem::path& path) : s_(s), path_(path) {}
  [[noreturn]] void fail(const std::string& what) const { throw_io_error(kFn, path_.string(), what); }
  std::uint64_t le(std::size_t at, std::size_t width, const char* what) const {
    if (at > s_.size() || s_.size() - at < width) {
      std::string w = "not a valid zip archive (";
      w.append(what).append(" beyond the end of the file)");
      fail(w);
    }
    std::uint64_t v = 0;
    for (std::size_t k = 0; k < width; ++k)
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(s_[at + k])) << (8 * k);
    return v;
  }
  std::size_t size() const { return s_.size(); }
  const std::string& str() const { return s_; }

 private:
  const std::string& s_;
  const std::filesystem::path& path_;
};

struct Member {
  std::uint16_t method = 0, flags = 0;
  std::uint32_t crc = 0;
  std::uint64_t compressed = 0, uncompressed = 0, local_offset = 0;
};

/// The central directory: member name -> where and how it is stored.
std::map<std::string, Member> directory(const Bytes& b) {
  // The end-of-central-directory record: the last "PK\5\6" within 22 + 65535 bytes of the end.
  const std::string& s = b.str();
  if (s.size() < 22) b.fail("not a zip archive (shorter than an end-of-central-directory record)");
  std::size_t eocd = std::string::npos;
  const std::size_t lowest = s.size() > 22 + 65535 ? s.size() - 22 - 65535 : 0;
  for (std::size_t at = s.size() - 22 + 1; at-- > lowest;)
    if (b.le(at, 4, "signature") == 0x06054b50) {
      eocd = at;
      break;
    }
  if (eocd == std::string::npos) b.fail("not a zip archive (no end-of-central-directory record)");
  std::uint64_t entries = b.le(eocd + 10, 2, "entry count");
  std::uint64_t cd_size = b.le(eocd + 12, 4, "directory size");
  std::uint64_t cd_offset = b.le(eocd + 16, 4, "directory offset");
  if (entries == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF) {
    // Zip64: a locator just before the record points at the zip64 end record.
    if (eocd < 20 || b.le(eocd - 20, 4, "zip64 locator") != 0x07064b50)
      b.fail("not a valid zip archive (zip64 sizes without a zip64 locator)");
    const std::uint64_t z = b.le(eocd - 20 + 8, 8, "zip64 record offset");
    if (z > s.size() || b.le(static_cast<std::size_t>(z), 4, "zip64 record") != 0x06064b50)
      b.fail("not a valid zip archive (bad zip64 end record)");
    entries = b.le(static_cast<std::size_t>(z) + 32, 8, "zip64 entry count");
    cd_size = b.le(static_cast<std::size_t>(z) + 40, 8, "zip64 directory size");
    cd_offset = b.le(static_cast<std::size_t>(z) + 48, 8, "zip64 directory offset");
  }
  if (cd_offset > s.size() || cd_size > s.size() - cd_offset)
    b.fail("not a valid zip archive (the central directory lies beyond the end of the file)");
  std::map<std::string, Member> out;
  std::size_t at = static_cast<std::size_t>(cd_offset);
  for (std::uint64_t e = 0; e < entries; ++e) {
    if (b.le(at, 4, "directory entry") != 0x02014b50)
      b.fail("not a valid zip archive (bad central directory entry " + std::to_string(e) + ")");
    Member m;
    m.flags = static_cast<std::uint16_t>(b.le(at + 8, 2, "flags"));
    m.method = static_cast<std::uint16_t>(b.le(at + 10, 2, "method"));
    m.crc = static_cast<std::uint32_t>(b.le(at + 16, 4, "crc"));
    m.compressed = b.le(at + 20, 4, "compressed size");
    m.uncompressed = b.le(at + 24, 4, "size");
    const std::size_t name_len = b.le(at + 28, 2, "name length");
    const std::size_t extra_len = b.le(at + 30, 2, "extra length");
    const std::size_t comment_len = b.le(at + 32, 2, "comment length");
    m.local_offset = b.le(at + 42, 4, "local header offset");
    if (s.size() - (at + 46) < name_len + extra_len + comment_len)
      b.fail("not a valid zip archive (a directory entry runs past the end of the file)");
    std::string name = s.substr(at + 46, name_len);
    // Zip64 extra field (id 1): the 8-byte values of the fields set to 0xFFFFFFFF, in order.
    std::size_t x = at + 46 + name_len;
    const std::size_t x_end = x + extra_len;
    while (x + 4 <= x_end) {
      const auto id = b.le(x, 2, "extra id");
      const std::size_t len = b.le(x + 2, 2, "extra length");
      if (x + 4 + len > x_end) break;
      if (id == 1) {
        std::size_t v = x + 4;
        auto take = [&](std::uint64_t& field) {
          if (field != 0xFFFFFFFF) return;
          if (v + 8 > x + 4 + len) b.fail("not a valid zip archive (short zip64 extra field)");
          field = b.le(v, 8, "zip64 value");
          v += 8;
        };
        take(m.uncompressed);
        take(m.compressed);
        take(m.local_offset);
      }
      x += 4 + len;
    }
    out[name] = m;
    at += 46 + name_len + extra_len + comment_len;
  }
  return out;
}

/// The uncompressed content of member @p name.
std::string extract(const Bytes& b, const std::map<std::string, Member>& dir,
                    const std::string& name) {
  const auto it = dir.find(name);
  if (it == dir.end()) {
    std::string w = "has no member '";
    w.append(name).append("' (not a scipy.sparse.save_npz file?)");
    b.fail(w);
  }
  const Member& m = it->second;
  auto fail = [&](const std::string& what) {
    std::string w = "member '";
    w.append(name).append("': ").append(what);
    b.fail(w);
  };
  if (m.flags & 1u) fail("is encrypted");
  if (m.method != 0 && m.method != 8)
    fail("compression method " + std::to_string(m.method) + " is not supported (stored or deflate)");
  const auto lo = static_cast<std::size_t>(std::min<std::uint64_t>(m.local_offset, b.size()));
  if (b.le(lo, 4, "local header") != 0x04034b50) fail("bad local header");
  const std::size_t data = lo + 30 + b.le(lo + 26, 2, "name length") + b.le(lo + 28, 2, "extra length");
  if (data > b.size() || m.compressed > b.size() - data) fail("runs past the end of the file");
  if (m.uncompressed > std::numeric_limits<std::uint32_t>::max())
    fail("is larger than 4 GiB uncompressed (not supported)");
  // Deflate expands at most 1032:1; a larger claim is a damaged or hostile header.
  if (m.method == 8 ? m.uncompressed > 1032 * m.compressed + 1024 : m.uncompressed != m.compressed)
    fail("claims " + std::to_string(m.uncompressed) + " bytes from " + std::to_string(m.compressed) +
         " stored, more than its method can give");
  std::string out(static_cast<std::size_t>(m.uncompressed), '\0');
  const char* src = b.str().data() + data;
  if (m.method == 0) {
    std::copy(src, src + m.compressed, out.begin());
  } else {
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) fail("zlib could not start");
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(src));
    z.avail_in = static_cast<uInt>(m.compressed);
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&z, Z_FINISH);
    const auto produced = z.total_out;
    inflateEnd(&z);
    if (rc != Z_STREAM_END || produced != out.size())
      fail("is not a valid deflate stream of " + std::to_string(out.size()) + " bytes");
  }
  const auto crc = crc32(0L, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size()));
  if (crc != m.crc) fail("CRC mismatch (the file is damaged)");
  return out;
}

/// The bytes of a .npy member's data after its header (for the '|S' format member).
std::string npy_payload(const Bytes& b, const std::string& name, const std::string& content,
                        std::string* descr) {
  const auto bad = [&] {
    std::string w = "member '";
    w.append(name).append("' is not a .npy byte string (b'csr' or b'csc')");
    b.fail(w);
  };
  if (content.size() < 10 || content.compare(0, 6, "\x93NUMPY") != 0) bad();
  const auto major = static_cast<unsigned char>(content[6]);
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  if (content.size() < 8 + len_bytes) bad();
  std::size_t header_len = 0;
  for (std::size_t k = 0; k < len_bytes; ++k)
    header_len |= static_cast<std::size_t>(static_cast<unsigned char>(content[8 + k])) << (8 * k);
  const std::size_t start = 8 + len_bytes;
  if (content.size() - start < header_len) bad();
  const std::string header = content.substr(start, header_len);
  const auto d = header.find("'descr':");
  if (d == std::string::npos) bad();
  const auto q1 = header.find('\'', d + 8);
  const auto q2 = q1 == std::string::npos ? q1 : header.find('\'', q1 + 1);
  if (q2 == std::string::npos) bad();
  *descr = header.substr(q1 + 1, q2 - q1 - 1);
  std::string payload = content.substr(start + header_len);
  while (!payload.empty() && payload.back() == '\0') payload.pop_back();
  return payload;
}

}  // namespace

Eigen::SparseMatrix<double> read_npz_sparse(const std::filesystem::path& path) {
  const std::string file = detail::read_file(kFn, path);
  const Bytes b(file, path);
  const auto dir = directory(b);
  std::string descr;
  const std::string format = npy_payload(b, "format.npy", extract(b, dir, "format.npy"), &descr);
  if (descr.empty() || descr[0] != '|' || descr.size() < 3 || descr[1] != 'S')
    b.fail("member 'format.npy' has dtype '" + descr + "', not a byte string ('|S3')");
  if (format != "csr" && format != "csc") {
    std::string w = "holds a '";
    w.append(format).append("' matrix: sampo reads CSR and CSC (save A.tocsr())");
    b.fail(w);
  }
  const bool csr = format == "csr";
  const auto member = [&](const char* name) {
    std::filesystem::path where = path;
    where += std::string(":") + name;
    return detail::npy_from_bytes(kFn, where, extract(b, dir, name));
  };
  const NpyArray shape = member("shape.npy"), data = member("data.npy"),
                 indices = member("indices.npy"), indptr = member("indptr.npy");
  const auto fail_member = [&](const char* name, const std::string& what) {
    std::string w = "member '";
    w.append(name).append("': ").append(what);
    b.fail(w);
  };
  const auto integers = [&](const char* name, const NpyArray& a) {
    if (a.dtype.size() < 2 || (a.dtype[1] != 'i' && a.dtype[1] != 'u'))
      fail_member(name, "dtype '" + a.dtype + "' is not an integer type");
    if (a.shape.size() != 1) fail_member(name, "is not a 1-D array");
  };
  integers("shape.npy", shape);
  integers("indices.npy", indices);
  integers("indptr.npy", indptr);
  if (shape.values.size() != 2) fail_member("shape.npy", "does not hold 2 dimensions");
  if (data.shape.size() != 1) fail_member("data.npy", "is not a 1-D array");
  constexpr double kMaxDim = 2147483647.0;  // Eigen::SparseMatrix indices are int
  for (double v : shape.values)
    if (v < 0 || v > kMaxDim)
      fail_member("shape.npy", "dimension " + format_value(v) + " is negative or above 2^31 - 1");
  const auto rows = static_cast<Eigen::Index>(shape.values[0]);
  const auto cols = static_cast<Eigen::Index>(shape.values[1]);
  const Eigen::Index outer = csr ? rows : cols, inner = csr ? cols : rows;
  const std::size_t nnz = data.values.size();
  if (indices.values.size() != nnz)
    fail_member("indices.npy", "holds " + std::to_string(indices.values.size()) +
                                   " entries, data.npy " + std::to_string(nnz));
  if (indptr.values.size() != static_cast<std::size_t>(outer) + 1)
    fail_member("indptr.npy", "holds " + std::to_string(indptr.values.size()) + " offsets, not " +
                                  std::string(csr ? "rows" : "cols") + " + 1 = " +
                                  std::to_string(outer + 1));
  // The other dimension's offsets are allocated without being listed in the file.
  const std::uint64_t places = static_cast<std::uint64_t>(inner) + 1;
  if (places > (std::uint64_t{1} << 24) && places / 64 > nnz + indptr.values.size())
    b.fail("declares " + std::to_string(rows) + " x " + std::to_string(cols) + " with " +
           std::to_string(nnz) + " stored entries: too many empty " +
           std::string(csr ? "columns" : "rows") + " to read (more than 2^24 and 64 per entry)");
  if (indptr.values.front() != 0) fail_member("indptr.npy", "does not start at 0");
  if (indptr.values.back() != static_cast<double>(nnz))
    fail_member("indptr.npy", "ends at " + format_value(indptr.values.back()) +
                                  ", not at the number of stored entries " + std::to_string(nnz));
  std::vector<Eigen::Triplet<double>> t;
  t.reserve(nnz);
  for (Eigen::Index o = 0; o < outer; ++o) {
    const double begin = indptr.values[static_cast<std::size_t>(o)];
    const double end = indptr.values[static_cast<std::size_t>(o) + 1];
    if (!(end >= begin && end <= static_cast<double>(nnz)))
      fail_member("indptr.npy", "decreases or passes the stored entries at offset " +
                                    std::to_string(o + 1));
    for (auto k = static_cast<std::size_t>(begin); k < static_cast<std::size_t>(end); ++k) {
      const double idx = indices.values[k];
      if (!(idx >= 0 && idx < static_cast<double>(inner)))
        fail_member("indices.npy", "entry " + std::to_string(k) + " = " + format_value(idx) +
                                       " is outside [0, " + std::to_string(inner) + ")");
      const double v = data.values[k];
      if (!std::isfinite(v))
        fail_member("data.npy", "entry " + std::to_string(k) + " = " + format_value(v) +
                                    " is not finite");
      const auto i = static_cast<Eigen::Index>(idx);
      if (v != 0.0) t.emplace_back(csr ? o : i, csr ? i : o, v);
    }
  }
  Eigen::SparseMatrix<double> m(rows, cols);
  m.setFromTriplets(t.begin(), t.end());  // duplicates summed
  return m;
}

}  // namespace sampo::io
