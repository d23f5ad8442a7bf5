#include "transport/static_site.hpp"

#include <civetweb.h>
#include <openssl/evp.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

#include "transport/accept_encoding.hpp"
#include "transport/security_headers.hpp"

namespace chatd::transport {

namespace {

constexpr const char* kImmutable = "public, max-age=31536000, immutable";
// Stored, but checked with the server (by ETag) before every use: a new
// index.html after an upgrade is seen at once.
constexpr const char* kRevalidate = "no-cache";
// The hash in an asset's name: the first 16 hex digits of its SHA-256.
constexpr std::size_t kNameHashLength = 16;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 is unavailable");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

std::string_view extension_of(std::string_view name) {
  const auto dot = name.rfind('.');
  const auto slash = name.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  return name.substr(dot + 1);
}

bool is_method(const mg_connection* conn, const char* method) {
  return std::strcmp(mg_get_request_info(conn)->request_method, method) == 0;
}

// Whether the request's If-None-Match names `etag` (or is "*"). Weak
// comparison (RFC 9110, 13.1.2): a W/ prefix does not matter.
bool matches_etag(const char* if_none_match, std::string_view etag) {
  if (if_none_match == nullptr) return false;
  std::string_view list(if_none_match);
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view tag = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

void add_page_headers(mg_connection* conn) {
  for (const auto& header : kPageHeaders) mg_response_header_add(conn, header.name, header.value, -1);
}

// A short plain-text answer (an error or a redirect) with the page's headers.
int send_plain(mg_connection* conn, int status, std::string_view body, const char* location = nullptr) {
  const std::string length = std::to_string(body.size());
  mg_response_header_start(conn, status);
  if (location) mg_response_header_add(conn, "Location", location, -1);
  mg_response_header_add(conn, "Content-Type", "text/plain; charset=utf-8", -1);
  mg_response_header_add(conn, "Content-Length", length.c_str(), -1);
  mg_response_header_add(conn, "Cache-Control", kRevalidate, -1);
  add_page_headers(conn);
  mg_response_header_send(conn);
  if (!is_method(conn, "HEAD")) mg_write(conn, body.data(), body.size());
  return status;
}

}  // namespace

const char* content_type_for(std::string_view name) {
  struct Type {
    std::string_view extension;
    const char* content_type;
  };
  static constexpr Type kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"wasm", "application/wasm"},
      {"data", "application/octet-stream"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
  };
  const auto extension = extension_of(name);
  for (const auto& type : kTypes) {
    if (type.extension == extension) return type.content_type;
  }
  return "application/octet-stream";
}

bool names_its_hash(std::string_view name, std::string_view sha256_hex) {
  // NAME.<hash>.EXT: the hash sits between the last two dots.
  const auto last = name.rfind('.');
  if (last == std::string_view::npos || last < kNameHashLength + 1) return false;
  const auto hash = name.substr(last - kNameHashLength, kNameHashLength);
  return name[last - kNameHashLength - 1] == '.' && hash == sha256_hex.substr(0, kNameHashLength);
}

StaticSite::StaticSite(const std::filesystem::path& root) {
  std::error_code error;
  if (!std::filesystem::is_directory(root, error)) {
    throw std::runtime_error("the page's folder " + root.string() + " is not a readable folder");
  }
  folders_.insert("");
  for (auto it = std::filesystem::recursive_directory_iterator(root, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    const auto relative = it->path().lexically_relative(root).generic_string();
    if (it->is_directory(error)) {
      folders_.insert(relative);
    } else if (it->is_regular_file(error)) {
      add(root, it->path());
    }
  }
  if (error) throw std::runtime_error("cannot read the page's folder " + root.string() + ": " + error.message());
}

void StaticSite::add(const std::filesystem::path& root, const std::filesystem::path& path) {
  const std::string relative = path.lexically_relative(root).generic_string();
  // The pre-compressed copies are variants of their original, not files of their own.
  for (const char* suffix : {".br", ".gz"}) {
    if (relative.ends_with(suffix) && std::filesystem::exists(path.parent_path() / path.stem())) return;
  }
  File file;
  file.identity.body = read_file(path);
  const std::string hash = sha256_hex(file.identity.body);
  const std::string tag = hash.substr(0, 32);
  file.identity.etag = "\"" + tag + "\"";
  file.content_type = content_type_for(relative);
  file.immutable = names_its_hash(path.filename().string(), hash);
  // Each encoding has its own tag: a cache must not answer a request for one
  // with the bytes of another.
  const auto variant = [&](const char* suffix, const char* label) -> std::optional<Variant> {
    auto compressed = path;
    compressed += suffix;
    std::error_code error;
    if (!std::filesystem::is_regular_file(compressed, error)) return std::nullopt;
    return Variant{read_file(compressed), "\"" + tag + "-" + label + "\""};
  };
  file.brotli = variant(".br", "br");
  file.gzip = variant(".gz", "gz");
  files_.emplace(relative, std::move(file));
}

const StaticSite::File* StaticSite::find(std::string_view path) const {
  const auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

int StaticSite::serve(mg_connection* conn, std::string_view uri) const {
  if (uri.empty() || uri.front() != '/') return send_plain(conn, 404, "not found\n");
  for (const char c : uri) {
    // Never into a Location header, and never a name read from the folder.
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\') return send_plain(conn, 404, "not found\n");
  }
  // Folders: one slash at the end, none doubled; then their index.html.
  std::string canonical;
  for (const char c : uri) {
    if (c != '/' || canonical.empty() || canonical.back() != '/') canonical += c;
  }
  std::string_view path = canonical;
  path.remove_prefix(1);
  const std::string_view folder = path.ends_with('/') ? path.substr(0, path.size() - 1) : path;
  if (folders_.count(folder) != 0) {
    std::string address = canonical.ends_with('/') ? canonical : canonical + "/";
    if (address != uri) {
      return send_plain(conn, 301, "moved: the folder's address ends in one slash\n", address.c_str());
    }
    const auto* index = find(folder.empty() ? std::string("index.html") : std::string(folder) + "/index.html");
    if (index == nullptr) return send_plain(conn, 403, "no listing of folders here\n");
    return send_file(conn, *index);
  }
  const auto* file = canonical == uri ? find(path) : nullptr;
  if (file == nullptr) return send_plain(conn, 404, "not found\n");
  return send_file(conn, *file);
}

int StaticSite::send_file(mg_connection* conn, const File& file) const {
  const char* accept = mg_get_header(conn, "Accept-Encoding");
  const auto accepted = parse_accept_encoding(accept ? accept : "");
  const Variant* variant = &file.identity;
  const char* encoding = nullptr;
  if (file.brotli && accepted.brotli) {
    variant = &*file.brotli;
    encoding = "br";
  } else if (file.gzip && accepted.gzip) {
    variant = &*file.gzip;
    encoding = "gzip";
  }
  const bool has_variants = file.brotli || file.gzip;
  const bool not_modified = matches_etag(mg_get_header(conn, "If-None-Match"), variant->etag);
  const int status = not_modified ? 304 : 200;

  mg_response_header_start(conn, status);
  mg_response_header_add(conn, "Content-Type", file.content_type, -1);
  mg_response_header_add(conn, "ETag", variant->etag.c_str(), -1);
  mg_response_header_add(conn, "Cache-Control", file.immutable ? kImmutable : kRevalidate, -1);
  if (has_variants) mg_response_header_add(conn, "Vary", "Accept-Encoding", -1);
  if (encoding) mg_response_header_add(conn, "Content-Encoding", encoding, -1);
  if (!not_modified) {
    const std::string length = std::to_string(variant->body.size());
    mg_response_header_add(conn, "Content-Length", length.c_str(), -1);
  }
  add_page_headers(conn);
  mg_response_header_send(conn);
  if (!not_modified && !is_method(conn, "HEAD")) mg_write(conn, variant->body.data(), variant->body.size());
  return status;
}

}  // namespace chatd::transport
