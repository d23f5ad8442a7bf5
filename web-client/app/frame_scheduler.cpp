#include "frame_scheduler.hpp"

#include <emscripten/emscripten.h>
#include <emscripten/eventloop.h>

#include <algorithm>
#include <utility>

namespace chat_web {

FrameScheduler::FrameScheduler(std::function<void()> draw) : draw_(std::move(draw)) {}

void FrameScheduler::install() {
  EmscriptenVisibilityChangeEvent status;
  if (emscripten_get_visibility_status(&status) == EMSCRIPTEN_RESULT_SUCCESS) hidden_ = status.hidden != 0;
  emscripten_set_visibilitychange_callback(this, EM_FALSE, &on_visibility);
}

void FrameScheduler::request(int frames) {
  wanted_ = std::max(wanted_, frames);
  arm();
}

void FrameScheduler::arm() {
  if (frame_pending_ || hidden_ || wanted_ <= 0) return;
  frame_pending_ = true;
  emscripten_request_animation_frame(&on_animation_frame, this);
}

void FrameScheduler::draw_at(std::int64_t time_ms) {
  if (timer_at_ && *timer_at_ <= time_ms) return;  // an earlier wake-up is already set
  if (timer_ != 0) emscripten_clear_timeout(timer_);
  timer_at_ = time_ms;
  const double delay = std::max(0.0, static_cast<double>(time_ms) - emscripten_date_now());
  timer_ = emscripten_set_timeout(&on_timer, delay, this);
}

void FrameScheduler::on_timer(void* self_data) {
  auto& self = *static_cast<FrameScheduler*>(self_data);
  self.timer_ = 0;
  self.timer_at_.reset();
  // One frame shows the new text; it asks for the next change itself.
  self.request(1);
}

EM_BOOL FrameScheduler::on_animation_frame(double, void* self_data) {
  auto& self = *static_cast<FrameScheduler*>(self_data);
  self.frame_pending_ = false;
  if (self.hidden_) return EM_FALSE;  // drawn again when shown
  if (self.wanted_ > 0) --self.wanted_;
  ++self.frames_drawn_;
  self.draw_();  // may ask for more (keep_drawing, request)
  self.arm();
  return EM_FALSE;  // one frame per request
}

EM_BOOL FrameScheduler::on_visibility(int, const EmscriptenVisibilityChangeEvent* event, void* self_data) {
  auto& self = *static_cast<FrameScheduler*>(self_data);
  const bool was_hidden = self.hidden_;
  self.hidden_ = event->hidden != 0;
  // Shown again: whatever changed meanwhile (messages, the canvas size) is drawn now.
  if (was_hidden && !self.hidden_) self.request();
  return EM_FALSE;
}

}  // namespace chat_web
