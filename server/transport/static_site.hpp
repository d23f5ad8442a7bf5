#pragma once
// The page and its assets (--www), read into memory once at start and served
// the way browsers expect (CivetWeb's own file serving gets chat.wasm's type
// wrong and has one cache policy for every file):
//  - each file with its Content-Type, by extension;
//  - the pre-compressed copies the build made beside a file (NAME.br,
//    NAME.gz) when the request accepts them, with Content-Encoding and
//    Vary: Accept-Encoding;
//  - a name that carries the file's own content hash (NAME.<16 hex>.EXT, as
//    www/assemble_site.cmake names every asset) is immutable for a year;
//    anything else (index.html) is revalidated on every visit (no-cache), by
//    its ETag.
// Paths are looked up in the files read at start, so no request can reach
// anything outside --www. A site rebuilt while chatd runs is served after a
// restart.

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

struct mg_connection;

namespace chatd::transport {

class StaticSite {
 public:
  // One encoding of a file: its bytes and its entity tag.
  struct Variant {
    std::string body;
    std::string etag;  // quoted, e.g. "\"1f2e...\"" or "\"1f2e...-br\""
  };
  struct File {
    const char* content_type = "application/octet-stream";
    bool immutable = false;  // its name carries its content hash
    Variant identity;
    std::optional<Variant> brotli;
    std::optional<Variant> gzip;
  };

  // Reads every regular file under `root`. Throws std::runtime_error when
  // `root` cannot be read.
  explicit StaticSite(const std::filesystem::path& root);

  // Answers a GET or HEAD for CivetWeb's decoded, dot-segment-free `uri`:
  // the file, 304, a redirect to a folder's address, 403 for a folder
  // without an index, or 404. Returns the status sent.
  int serve(mg_connection* conn, std::string_view uri) const;

  // The file at `path` (relative, "/"-separated: "classic/index.html").
  const File* find(std::string_view path) const;
  std::size_t file_count() const { return files_.size(); }

 private:
  void add(const std::filesystem::path& root, const std::filesystem::path& file);
  int send_file(mg_connection* conn, const File& file) const;

  std::map<std::string, File, std::less<>> files_;
  std::set<std::string, std::less<>> folders_;  // relative, without a final slash; "" is the root
};

// The Content-Type for a file name, by its extension.
const char* content_type_for(std::string_view name);

// Whether `name` is NAME.<hash>.EXT where <hash> is the first 16 hex digits
// of `sha256_hex` (the SHA-256 of the file's bytes, in lower-case hex).
bool names_its_hash(std::string_view name, std::string_view sha256_hex);

}  // namespace chatd::transport
