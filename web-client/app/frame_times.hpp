#pragma once
// How long the page's main thread spent on each of the last frames, split
// into the app's own work (input, the chat client, ImGui's NewFrame to Render,
// which builds the draw lists) and the GL submission (ImGui's OpenGL backend
// handing the draw lists to WebGL). Kept so that a benchmark can read what a
// frame costs from inside the page (window.chatFrameTimes(), read-only): the
// DevTools' task durations mix frames with everything else the page does, and
// under a software GL (SwiftShader, llvmpipe) the GL part says more about the
// machine's rasterizer than about the app, so it is reported apart.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace chat_web {

class FrameTimes {
 public:
  // Enough for a benchmark's whole scroll through a long log.
  static constexpr std::size_t kCapacity = 8192;

  // What else the frame did, besides drawing (a slow frame is explained by it).
  enum Cause : unsigned { kGlyphs = 1u, kModel = 2u };  // new glyphs drawn; the model changed

  // Times on emscripten_get_now()'s clock (ms, sub-millisecond resolution):
  // the frame began, its draw lists were built, they were handed to GL;
  // `causes`: Cause bits.
  void record(double start_ms, double built_ms, double submitted_ms, unsigned causes);

  // Frames recorded since the page started (more than kCapacity: only the
  // last kCapacity are kept).
  std::uint64_t count() const { return count_; }
  // {"count":N,"frames":[[number,work,gl,causes],...]}: the frames numbered
  // `from` (0-based, as counted by count()) on that are still kept, each
  // with its number, its two durations in ms and its Cause bits.
  std::string json_since(std::uint64_t from) const;

 private:
  struct Frame {
    float work_ms = 0.0f;
    float gl_ms = 0.0f;
    unsigned causes = 0;
  };
  std::array<Frame, kCapacity> frames_{};
  std::uint64_t count_ = 0;
};

}  // namespace chat_web
