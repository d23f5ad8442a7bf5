#include "chat_client/log_scroll.hpp"

#include <algorithm>
#include <cmath>

namespace chat_client {

namespace {

// A glide loses about 63 % of its speed every 325 ms (the figure iOS and
// most touch scrollers use) and stops below 0.02 px/ms.
constexpr double kGlideTimeConstantMs = 325.0;
constexpr float kGlideStop = 0.02f;
// The release speed is measured over the finger's last moves; one older
// than this means the finger rested before lifting: no glide.
constexpr double kVelocityWindowMs = 100.0;
// Within this of the bottom counts as at the bottom (rounding, half pixels).
constexpr float kBottomSlack = 1.0f;

}  // namespace

void LogScroll::scroll_by(float pixels) { pending_ += pixels; }

void LogScroll::wheel(float delta, WheelUnit unit) {
  switch (unit) {
    case WheelUnit::Pixel: pending_ += delta; break;
    case WheelUnit::Line: pending_lines_ += delta; break;
    case WheelUnit::Page: pending_view_pages_ += delta; break;
  }
  velocity_ = 0.0f;  // a wheel stops a glide
}

void LogScroll::page(int pages) {
  pending_view_pages_ += static_cast<float>(pages);
  velocity_ = 0.0f;
}

void LogScroll::to_top() {
  jump_ = Jump::Top;
  pending_ = pending_lines_ = pending_view_pages_ = 0.0f;
  velocity_ = 0.0f;
}

void LogScroll::to_bottom() {
  jump_ = Jump::Bottom;
  pending_ = pending_lines_ = pending_view_pages_ = 0.0f;
  velocity_ = 0.0f;
}

void LogScroll::touch_start(float y, double time_ms) {
  touching_ = true;
  touch_y_ = y;
  touch_time_ = time_ms;
  velocity_ = 0.0f;  // a finger on the glass stops a glide
}

void LogScroll::touch_move(float y, double time_ms) {
  if (!touching_) return;
  const float moved = touch_y_ - y;  // the finger goes up: the log follows it, towards newer rows
  pending_ += moved;
  const double dt = time_ms - touch_time_;
  if (dt > 0.0) {
    // Smoothed, so that one jittery sample does not decide the glide.
    const float instant = static_cast<float>(moved / dt);
    velocity_ = dt > kVelocityWindowMs ? instant : 0.8f * instant + 0.2f * velocity_;
  }
  touch_y_ = y;
  touch_time_ = time_ms;
}

void LogScroll::touch_end(double time_ms) {
  if (!touching_) return;
  touching_ = false;
  if (time_ms - touch_time_ > kVelocityWindowMs || std::fabs(velocity_) < kGlideStop) velocity_ = 0.0f;
  glide_time_ = time_ms;
}

float LogScroll::update(const Frame& frame) {
  view_height_ = std::max(0.0f, frame.view_height);
  row_height_ = std::max(0.0f, frame.row_height);
  max_offset_ = std::max(0.0f, frame.content_height - view_height_);

  if (frame.scrollbar_offset >= 0.0f) {
    offset_ = frame.scrollbar_offset;  // the reader drags the scrollbar: it decides
  } else if (following_) {
    offset_ = max_offset_;  // stay at the bottom as messages arrive (or older ones are put in front)
  } else {
    // Rows dropped above shift everything up, rows put in front shift it
    // down: the rows shown stay put.
    offset_ += frame.added_above - frame.removed_above;
  }

  float delta =
      pending_ + pending_lines_ * row_height_ + pending_view_pages_ * std::max(row_height_, view_height_ - row_height_);
  if (velocity_ != 0.0f && !touching_) {
    const double dt = std::max(0.0, frame.time_ms - glide_time_);
    delta += static_cast<float>(velocity_ * dt);
    velocity_ *= static_cast<float>(std::exp(-dt / kGlideTimeConstantMs));
    if (std::fabs(velocity_) < kGlideStop) velocity_ = 0.0f;
  }
  glide_time_ = frame.time_ms;
  const bool moved_up = delta < 0.0f || jump_ == Jump::Top;
  if (jump_ == Jump::Top) offset_ = 0.0f;
  if (jump_ == Jump::Bottom) offset_ = max_offset_;
  jump_ = Jump::None;
  pending_ = pending_lines_ = pending_view_pages_ = 0.0f;

  offset_ = std::clamp(offset_ + delta, 0.0f, max_offset_);
  if (velocity_ != 0.0f && (offset_ <= 0.0f || offset_ >= max_offset_)) velocity_ = 0.0f;  // a glide stops at the ends
  following_ = offset_ >= max_offset_ - kBottomSlack;
  reached_top_ = moved_up && offset_ <= 0.0f;
  unread_ = following_ ? 0 : unread_ + frame.new_messages;
  return offset_;
}

}  // namespace chat_client
