#pragma once
// Draws a frame only when something changed, so an idle page costs nothing:
// a frame on the next animation frame after input, a network event that
// changed the model, or a timer shown on screen (a countdown), then a few
// more (Dear ImGui needs two or three frames to settle after an event: a
// click is a press then a release, hover looks at the previous frame, focus
// moves a frame late); frames on every animation frame only while something
// moves by itself (a key held for ImGui's repeat, a button held, a glide).
// None while the page is hidden: the browser would not run them anyway, and
// the picture is drawn again when the page is shown.
//
// emscripten_set_main_loop would draw on every animation frame, busy or not
// (a software-rendered page kept its main thread about 100 % busy).

#include <emscripten/html5.h>

#include <cstdint>
#include <functional>
#include <optional>

namespace chat_web {

class FrameScheduler {
 public:
  // Frames drawn after each event, for ImGui to settle.
  static constexpr int kSettleFrames = 3;

  // `draw` draws one frame; it calls keep_drawing() and draw_at() for what
  // it needs next.
  explicit FrameScheduler(std::function<void()> draw);
  FrameScheduler(const FrameScheduler&) = delete;
  FrameScheduler& operator=(const FrameScheduler&) = delete;

  // Follows the page's visibility (no frames while hidden).
  void install();

  // Something changed: draw on the next animation frame and `frames` - 1 after.
  void request(int frames = kSettleFrames);
  // From inside a frame: something still moves, draw the next one too.
  void keep_drawing() { request(1); }
  // What is on screen changes by itself at `time_ms` (emscripten_date_now's
  // clock): draw then. The earliest of the times asked for counts until it passes.
  void draw_at(std::int64_t time_ms);

  // Frames drawn so far (read by the page's tests: an idle page draws none).
  std::uint64_t frames_drawn() const { return frames_drawn_; }
  bool hidden() const { return hidden_; }

 private:
  static EM_BOOL on_animation_frame(double time, void* self);
  static void on_timer(void* self);
  static EM_BOOL on_visibility(int type, const EmscriptenVisibilityChangeEvent* event, void* self);
  void arm();

  std::function<void()> draw_;
  int wanted_ = 0;              // frames still to draw
  bool frame_pending_ = false;  // an animation frame is requested
  bool hidden_ = false;
  long timer_ = 0;  // the pending draw_at timer, 0: none
  std::optional<std::int64_t> timer_at_;
  std::uint64_t frames_drawn_ = 0;
};

}  // namespace chat_web
