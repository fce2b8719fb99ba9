// A small JSON reader for the files dmacosim writes itself (summary.json):
// objects, arrays, strings (with \" \\ \/ \b \f \n \r \t \uXXXX for
// ASCII), numbers, true/false/null. Parse errors give the byte offset.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dmacosim {

struct JsonValue {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  bool b = false;
  double num = 0;
  std::string str;
  std::vector<JsonValue> items;
  std::map<std::string, JsonValue> fields;

  // Lookups that never throw: a missing key or a wrong kind gives `def`.
  const JsonValue* get(const std::string& key) const {
    auto it = fields.find(key);
    return kind == Object && it != fields.end() ? &it->second : nullptr;
  }
  double number(const std::string& key, double def = 0) const {
    const JsonValue* v = get(key);
    return v && v->kind == Number ? v->num : def;
  }
  std::string string(const std::string& key, const std::string& def = "") const {
    const JsonValue* v = get(key);
    return v && v->kind == String ? v->str : def;
  }
  bool boolean(const std::string& key, bool def = false) const {
    const JsonValue* v = get(key);
    return v && v->kind == Bool ? v->b : def;
  }
};

// Parses `text`; on error returns false and sets `error` ("offset N: ...").
bool json_parse(const std::string& text, JsonValue* out, std::string* error);
// Reads and parses a file; the error names the file.
bool json_parse_file(const std::string& path, JsonValue* out, std::string* error);

}  // namespace dmacosim
