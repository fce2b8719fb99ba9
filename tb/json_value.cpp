// The JSON reader. See json_value.h.
#include "tb/json_value.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace dmacosim {

namespace {

class Parser {
public:
  explicit Parser(const std::string& t) : t_(t) {}

  bool document(JsonValue* v, std::string* err) {
    if (!value(v, 0)) {
      *err = "offset " + std::to_string(pos_) + ": " + err_;
      return false;
    }
    ws();
    if (pos_ != t_.size()) {
      *err = "offset " + std::to_string(pos_) + ": trailing characters after the value";
      return false;
    }
    return true;
  }

private:
  bool fail(const std::string& why) {
    err_ = why;
    return false;
  }
  void ws() {
    while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\n' || t_[pos_] == '\r' || t_[pos_] == '\t')) ++pos_;
  }
  bool literal(const char* word) {
    size_t n = std::char_traits<char>::length(word);
    if (t_.compare(pos_, n, word) != 0) return false;
    pos_ += n;
    return true;
  }
  bool value(JsonValue* v, int depth) {
    if (depth > 64) return fail("nested too deeply");
    ws();
    if (pos_ >= t_.size()) return fail("unexpected end of input");
    const char c = t_[pos_];
    if (c == '{') return object(v, depth);
    if (c == '[') return array(v, depth);
    if (c == '"') {
      v->kind = JsonValue::String;
      return string(&v->str);
    }
    if (literal("true")) {
      v->kind = JsonValue::Bool;
      v->b = true;
      return true;
    }
    if (literal("false")) {
      v->kind = JsonValue::Bool;
      return true;
    }
    if (literal("null")) {
      v->kind = JsonValue::Null;
      return true;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number(v);
    return fail(std::string("unexpected character '") + c + "'");
  }
  bool number(JsonValue* v) {
    const char* begin = t_.c_str() + pos_;
    char* end = nullptr;
    v->num = std::strtod(begin, &end);
    if (end == begin) return fail("bad number");
    pos_ += size_t(end - begin);
    v->kind = JsonValue::Number;
    return true;
  }
  bool string(std::string* s) {
    ++pos_;  // opening quote
    for (;;) {
      if (pos_ >= t_.size()) return fail("unterminated string");
      const char c = t_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        s->push_back(c);
        continue;
      }
      if (pos_ >= t_.size()) return fail("unterminated escape");
      const char e = t_[pos_++];
      switch (e) {
        case '"': s->push_back('"'); break;
        case '\\': s->push_back('\\'); break;
        case '/': s->push_back('/'); break;
        case 'b': s->push_back('\b'); break;
        case 'f': s->push_back('\f'); break;
        case 'n': s->push_back('\n'); break;
        case 'r': s->push_back('\r'); break;
        case 't': s->push_back('\t'); break;
        case 'u': {
          if (pos_ + 4 > t_.size()) return fail("short \\u escape");
          const unsigned long cp = std::strtoul(t_.substr(pos_, 4).c_str(), nullptr, 16);
          pos_ += 4;
          s->push_back(cp < 0x80 ? char(cp) : '?');  // dmacosim writes ASCII only
          break;
        }
        default: return fail(std::string("bad escape \\") + e);
      }
    }
  }
  bool array(JsonValue* v, int depth) {
    v->kind = JsonValue::Array;
    ++pos_;
    ws();
    if (pos_ < t_.size() && t_[pos_] == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      v->items.emplace_back();
      if (!value(&v->items.back(), depth + 1)) return false;
      ws();
      if (pos_ < t_.size() && t_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < t_.size() && t_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or ']'");
    }
  }
  bool object(JsonValue* v, int depth) {
    v->kind = JsonValue::Object;
    ++pos_;
    ws();
    if (pos_ < t_.size() && t_[pos_] == '}') {
      ++pos_;
      return true;
    }
    for (;;) {
      ws();
      if (pos_ >= t_.size() || t_[pos_] != '"') return fail("expected a key string");
      std::string key;
      if (!string(&key)) return false;
      ws();
      if (pos_ >= t_.size() || t_[pos_] != ':') return fail("expected ':'");
      ++pos_;
      if (!value(&v->fields[key], depth + 1)) return false;
      ws();
      if (pos_ < t_.size() && t_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < t_.size() && t_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or '}'");
    }
  }

  const std::string& t_;
  size_t pos_ = 0;
  std::string err_;
};

}  // namespace

bool json_parse(const std::string& text, JsonValue* out, std::string* error) {
  *out = JsonValue{};
  return Parser(text).document(out, error);
}

bool json_parse_file(const std::string& path, JsonValue* out, std::string* error) {
  std::ifstream f(path);
  if (!f) {
    *error = path + ": cannot open";
    return false;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  if (!json_parse(ss.str(), out, error)) {
    *error = path + ": " + *error;
    return false;
  }
  return true;
}

}  // namespace dmacosim
