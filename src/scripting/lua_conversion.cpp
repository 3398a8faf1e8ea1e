// Lua <-> reply conversions, as Redis 7.0's script_lua.c defines them.

#include <cmath>
#include <cstddef>
#include <string>

#include "lua_internal.hpp"
#include "respcache/protocol/resp_encoder.hpp"

namespace respcache::scripting {
namespace {

using protocol::ReplyNode;
using protocol::ReplyRecorder;
using protocol::ReplyType;

void push_error_parts(lua_State* lua, std::string_view code, std::string_view message);
// An error text that starts with its code ("ERR message"), as luaPushErrorBuff reads one
// after its '-'; without a space the whole text is the message and the code is ERR.
void push_coded_error(lua_State* lua, std::string_view text);

void push_text(lua_State* lua, std::string_view text) {
  lua_pushlstring(lua, text.data(), text.size());
}

void push_field(lua_State* lua, const char* field, std::string_view text) {
  lua_newtable(lua);
  lua_pushstring(lua, field);
  push_text(lua, text);
  lua_rawset(lua, -3);
}

// Pushes nodes[i] and its elements; returns the index after them.
std::size_t push_node(lua_State* lua, const ReplyRecorder& rec, std::size_t i, int resp) {
  const ReplyNode& node = rec.nodes()[i];
  luaL_checkstack(lua, 4, "reached lua stack limit");
  const bool resp3 = resp == 3;
  switch (node.type) {
    case ReplyType::kSimple:
      push_field(lua, "ok", rec.text(node));
      return i + 1;
    case ReplyType::kError:
      // Recorded without the '-': what luaPushErrorBuff sees after it.
      push_coded_error(lua, rec.text(node));
      return i + 1;
    case ReplyType::kInteger:
      lua_pushnumber(lua, static_cast<lua_Number>(node.integer));
      return i + 1;
    case ReplyType::kBulk:
      push_text(lua, rec.text(node));
      return i + 1;
    case ReplyType::kNull:
    case ReplyType::kNullArray:
      resp3 ? lua_pushnil(lua) : lua_pushboolean(lua, 0);
      return i + 1;
    case ReplyType::kBoolean:
      resp3 ? lua_pushboolean(lua, node.integer != 0)
            : lua_pushnumber(lua, static_cast<lua_Number>(node.integer));
      return i + 1;
    case ReplyType::kDouble: {
      if (resp3) {
        lua_newtable(lua);
        lua_pushstring(lua, "double");
        lua_pushnumber(lua, node.number);
        lua_rawset(lua, -3);
      } else {
        char buffer[64];
        push_text(lua, protocol::double_text(node.number, buffer));
      }
      return i + 1;
    }
    case ReplyType::kBigNumber:
      resp3 ? push_field(lua, "big_number", rec.text(node)) : push_text(lua, rec.text(node));
      return i + 1;
    case ReplyType::kVerbatim:
      if (!resp3) {
        push_text(lua, rec.text(node));
        return i + 1;
      }
      lua_newtable(lua);
      lua_pushstring(lua, "verbatim_string");
      push_field(lua, "string", rec.text(node));
      lua_pushstring(lua, "format");
      push_text(lua, std::string_view(node.format, sizeof node.format));
      lua_rawset(lua, -3);
      lua_rawset(lua, -3);
      return i + 1;
    case ReplyType::kMap:
    case ReplyType::kSet:
    case ReplyType::kArray:
    case ReplyType::kPush:
      break;
  }
  const auto count = static_cast<std::size_t>(node.integer);
  std::size_t next = i + 1;
  if (resp3 && node.type == ReplyType::kMap) {
    lua_newtable(lua);
    lua_pushstring(lua, "map");
    lua_newtable(lua);
    for (std::size_t k = 0; k < count; ++k) {
      next = push_node(lua, rec, next, resp);
      next = push_node(lua, rec, next, resp);
      lua_settable(lua, -3);
    }
    lua_rawset(lua, -3);
    return next;
  }
  if (resp3 && node.type == ReplyType::kSet) {
    lua_newtable(lua);
    lua_pushstring(lua, "set");
    lua_newtable(lua);
    for (std::size_t k = 0; k < count; ++k) {
      next = push_node(lua, rec, next, resp);
      lua_pushboolean(lua, 1);
      lua_settable(lua, -3);
    }
    lua_rawset(lua, -3);
    return next;
  }
  // An array; in RESP2 a map is a flat array of keys and values, a set or push an array.
  const std::size_t elements = node.type == ReplyType::kMap ? 2 * count : count;
  lua_newtable(lua);
  for (std::size_t k = 0; k < elements; ++k) {
    lua_pushnumber(lua, static_cast<lua_Number>(k + 1));
    next = push_node(lua, rec, next, resp);
    lua_settable(lua, -3);
  }
  return next;
}

// The string field `name` of the table on top, or null (pushes nothing).
const char* string_field(lua_State* lua, const char* name, std::size_t* length) {
  lua_pushstring(lua, name);
  lua_rawget(lua, -2);
  const char* text = lua_type(lua, -1) == LUA_TSTRING ? lua_tolstring(lua, -1, length) : nullptr;
  lua_pop(lua, 1);  // the string stays alive: the table holds it
  return text;
}

// `text` with CR and LF as spaces, as Redis writes a script's status and big-number replies
// (sdsmapchars): they go out as one line. A thread-local buffer, not a local: this runs in
// lua_cpcall, whose errors unwind with longjmp.
std::string_view one_line(const char* text, std::size_t length) {
  thread_local std::string line;
  line.assign(text, length);
  for (char& c : line) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return line;
}

bool field_has_type(lua_State* lua, const char* name, int type) {
  lua_pushstring(lua, name);
  lua_rawget(lua, -2);
  const bool has = lua_type(lua, -1) == type;
  if (!has) lua_pop(lua, 1);
  return has;  // when true, the field's value is left on top
}

void write_table(lua_State* lua, protocol::ReplyBuilder& reply, int script_resp) {
  std::size_t length = 0;
  if (const char* err = string_field(lua, "err", &length)) {
    // "-%s" of the message: written as given, with its own code.
    reply.error(std::string_view(err, length));
    return;
  }
  if (const char* ok = string_field(lua, "ok", &length)) {
    reply.simple(one_line(ok, length));
    return;
  }
  if (field_has_type(lua, "double", LUA_TNUMBER)) {
    reply.double_value(lua_tonumber(lua, -1));
    lua_pop(lua, 1);
    return;
  }
  if (const char* big = string_field(lua, "big_number", &length)) {
    reply.big_number(one_line(big, length));
    return;
  }
  if (field_has_type(lua, "verbatim_string", LUA_TTABLE)) {
    std::size_t format_length = 0;
    const char* format = string_field(lua, "format", &format_length);
    const char* text = string_field(lua, "string", &length);
    if (format != nullptr && text != nullptr) {
      reply.verbatim(std::string_view(text, length), std::string_view(format, format_length));
      lua_pop(lua, 1);
      return;
    }
    lua_pop(lua, 1);
  }
  if (field_has_type(lua, "map", LUA_TTABLE)) {
    std::size_t pairs = 0;
    for (lua_pushnil(lua); lua_next(lua, -2) != 0; lua_pop(lua, 1)) ++pairs;
    reply.map(pairs);
    for (lua_pushnil(lua); lua_next(lua, -2) != 0;) {
      lua_pushvalue(lua, -2);
      write_lua_reply(lua, reply, script_resp);  // the key
      write_lua_reply(lua, reply, script_resp);  // the value
    }
    lua_pop(lua, 1);
    return;
  }
  if (field_has_type(lua, "set", LUA_TTABLE)) {
    std::size_t members = 0;
    for (lua_pushnil(lua); lua_next(lua, -2) != 0; lua_pop(lua, 1)) ++members;
    reply.set(members);
    for (lua_pushnil(lua); lua_next(lua, -2) != 0;) {
      lua_pop(lua, 1);
      lua_pushvalue(lua, -1);
      write_lua_reply(lua, reply, script_resp);
    }
    lua_pop(lua, 1);
    return;
  }
  // An array, up to the first nil.
  std::size_t count = 0;
  while (true) {
    lua_rawgeti(lua, -1, static_cast<int>(count + 1));
    const bool end = lua_isnil(lua, -1);
    lua_pop(lua, 1);
    if (end) break;
    ++count;
  }
  reply.array(count);
  for (std::size_t k = 1; k <= count; ++k) {
    lua_rawgeti(lua, -1, static_cast<int>(k));
    write_lua_reply(lua, reply, script_resp);
  }
}

}  // namespace

void push_recorded_reply(lua_State* lua, const ReplyRecorder& recorder, int resp) {
  if (recorder.nodes().empty()) {
    lua_pushnil(lua);
    return;
  }
  push_node(lua, recorder, 0, resp);
}

void push_error_table(lua_State* lua, std::string_view text) {
  if (text.starts_with('-')) return push_coded_error(lua, text.substr(1));
  push_error_parts(lua, "ERR", text);
}

namespace {

void push_error_parts(lua_State* lua, std::string_view code, std::string_view message) {
  while (!message.empty() && (message.back() == '\r' || message.back() == '\n')) {
    message.remove_suffix(1);
  }
  while (!message.empty() && (message.front() == '\r' || message.front() == '\n')) {
    message.remove_prefix(1);
  }
  lua_newtable(lua);
  lua_pushstring(lua, "err");
  push_text(lua, code);
  lua_pushstring(lua, " ");
  push_text(lua, message);
  lua_concat(lua, 3);
  lua_rawset(lua, -3);
}

void push_coded_error(lua_State* lua, std::string_view text) {
  const std::size_t space = text.find(' ');
  if (space == std::string_view::npos) return push_error_parts(lua, "ERR", text);
  push_error_parts(lua, text.substr(0, space), text.substr(space + 1));
}

}  // namespace

void write_lua_reply(lua_State* lua, protocol::ReplyBuilder& reply, int script_resp) {
  if (!lua_checkstack(lua, 4)) {
    reply.error("ERR reached lua stack limit");
    lua_pop(lua, 1);
    return;
  }
  switch (lua_type(lua, -1)) {
    case LUA_TSTRING: {
      std::size_t length = 0;
      const char* text = lua_tolstring(lua, -1, &length);
      reply.bulk(std::string_view(text, length));
      break;
    }
    case LUA_TBOOLEAN:
      if (script_resp == 2) {
        lua_toboolean(lua, -1) != 0 ? reply.integer(1) : reply.null();
      } else {
        reply.boolean(lua_toboolean(lua, -1) != 0);
      }
      break;
    case LUA_TNUMBER:
      reply.integer(lua_number_to<long long>(lua_tonumber(lua, -1)));
      break;
    case LUA_TTABLE:
      write_table(lua, reply, script_resp);
      break;
    default:
      reply.null();
  }
  lua_pop(lua, 1);
}

}  // namespace respcache::scripting
