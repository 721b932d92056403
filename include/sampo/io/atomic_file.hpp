#pragma once
/// @file
/// Atomic file replacement: a file sampo writes is either the complete new content or the old
/// file, never a half-written mix (ARCHITECTURE.md, "nothing is ever half-written").

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace sampo::io {

/// Writes a file atomically: @p writer fills a stream opened on a fresh temporary file in the
/// destination's directory (a unique name, created exclusively), the stream is flushed and its
/// state checked, and the temporary is then renamed over @p path (std::filesystem::rename, atomic
/// on POSIX file systems). Readers therefore see either the old file or the complete new one.
///
/// Error model: if @p writer throws, its exception propagates unchanged; if the stream fails
/// (a write error, disk full, or the writer set failbit/badbit), sampo::io_error is thrown. In
/// both cases the temporary is removed and any existing file at @p path is left untouched.
/// The file is not fsync'ed: the rename is atomic for concurrent readers, but after a power
/// loss the new content may be lost. The new file gets default permissions (umask), not the
/// replaced file's.
///
/// Temporary names are `.<name>.sampo-tmp-<host>-<pid>-<n>` in the destination's directory. A
/// process killed while writing leaves its temporary behind; the next write to the same @p path
/// removes those whose process (same host, pid) no longer runs.
///
/// Inside an OutputTransaction on the calling thread, the file is staged (written to its
/// temporary, which is kept) and only renamed onto @p path by OutputTransaction::commit().
///
/// @param path   the file to create or replace; its directory must exist.
/// @param writer writes the whole content to the stream it is given (opened in binary mode).
/// @throw sampo::io_error naming @p path when the temporary cannot be created (directory
///        missing or not writable), the stream fails, or the rename fails.
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& writer);

/// All or nothing for a command with several outputs: while a transaction is open on a thread,
/// every write_file_atomic() on that thread (and so every sampo::io writer: NPY, CSV, JSON) only
/// stages its file; commit() then renames them all onto their paths. If the transaction ends
/// without commit() (an exception, an early return), every staged temporary is removed and no
/// destination is touched. Two writes to the same path (after resolving `.`, `..` and links of
/// existing directories) are refused with sampo::io_error naming it.
///
///     sampo::io::OutputTransaction tx;
///     sampo::io::write_npy(out, trials);            // staged
///     sampo::io::write_npy(labels_out, labels);     // staged
///     tx.commit();                                  // both appear, or neither
///
/// commit() renames in the order the files were written; renames within a directory do not fail
/// on a POSIX file system short of a crash, so a partial commit needs a failure there. Not
/// nestable: opening a second transaction on the same thread throws std::logic_error.
class OutputTransaction {
 public:
  OutputTransaction();
  ~OutputTransaction();
  OutputTransaction(const OutputTransaction&) = delete;
  OutputTransaction& operator=(const OutputTransaction&) = delete;

  /// Renames every staged file onto its destination and closes the transaction.
  /// @throw sampo::io_error naming the file whose rename failed.
  void commit();
  /// The destinations staged so far, in order.
  std::vector<std::filesystem::path> staged() const;

  /// Used by write_file_atomic(): the transaction open on this thread, or nullptr.
  static OutputTransaction* current();
  /// Used by write_file_atomic(): records a staged temporary for @p path.
  void stage(const std::filesystem::path& path, const std::filesystem::path& temporary);

 private:
  struct Entry {
    std::filesystem::path path, key, temporary;
  };
  std::vector<Entry> entries_;
  bool open_ = true;
};

}  // namespace sampo::io
