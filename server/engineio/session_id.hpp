#pragma once
// Unguessable session ids: a session id is a bearer token for long-polling.

#include <string>

namespace chatd::eio {

std::string generate_session_id();

}  // namespace chatd::eio
