// Decoding JSON request bodies at the edge: the Content-Type must be JSON (415), the body a
// well-formed UTF-8 JSON object (400), and every field one the route knows (400: no mass
// assignment). Nothing is written for a rejected request because handlers decode first.
#pragma once

#include "api/http.hpp"
#include "engine/result.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <initializer_list>
#include <string_view>

namespace heat::api {

[[nodiscard]] Result<boost::json::object> parse_json_body(const Request& request,
                                                          std::initializer_list<std::string_view> allowed_fields);

// A JSON response with the given status.
[[nodiscard]] Response json_response(int status, const boost::json::value& body);

}  // namespace heat::api
