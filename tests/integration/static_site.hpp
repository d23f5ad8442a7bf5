#pragma once
// A small site for chatd's --www, in a private temporary directory, with a
// file beside it (outside the site) that no request may ever read.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "temporary_directory.hpp"

namespace chat_it {

class StaticSite {
 public:
  static constexpr const char* kPage = "<!doctype html><title>chat</title><p>the test page</p>\n";
  static constexpr const char* kSecret = "top secret: outside the site\n";

  StaticSite() : www_(dir_.path() / "www") {
    write("index.html", kPage);
    write("style.css", "body { margin: 0 }\n");
    write("classic/index.html", kPage);
    write("assets/listed-nowhere.txt", "a file in a folder without an index\n");
    write_file(dir_.path() / "secret.txt", kSecret);
  }

  const std::filesystem::path& www() const { return www_; }
  std::filesystem::path secret() const { return dir_.path() / "secret.txt"; }

  // chatd's arguments to serve this site.
  std::vector<std::string> args() const { return {"--headless=false", "--www", www_.string()}; }

 private:
  void write(const std::string& relative, const std::string& text) { write_file(www_ / relative, text); }
  static void write_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }

  TemporaryDirectory dir_;
  std::filesystem::path www_;
};

}  // namespace chat_it
