#pragma once
/// @file
/// Atomic file replacement: a file sampo writes is either the complete new content or the old
/// file, never a half-written mix (ARCHITECTURE.md, "nothing is ever half-written").

#include <filesystem>
#include <functional>
#include <iosfwd>

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
/// @param path   the file to create or replace; its directory must exist.
/// @param writer writes the whole content to the stream it is given (opened in binary mode).
/// @throw sampo::io_error naming @p path when the temporary cannot be created (directory
///        missing or not writable), the stream fails, or the rename fails.
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& writer);

}  // namespace sampo::io
