-- afunix.lua: the one pandoc filter of the afunix docs (pandoc 2.17, Lua 5.3).
--
--   ::: {.lesson src="FILE.c"}
--   :::
-- becomes the lesson: every comment block of whole lines turns into prose
-- (its text is Markdown), and the code between them into listings that
-- carry the file's own line numbers.
--
--   ```{.text include="FILE"}
--   ```
-- becomes a code block with the text of FILE.
--
-- Paths are relative to the input file.  A missing or empty file is an
-- error that names it, so the build fails rather than print a hole.

local function input_dir()
  local f = PANDOC_STATE.input_files[1]
  if f == nil or f == "-" then
    return "."
  end
  return pandoc.path.directory(f)
end

local function read_file(path)
  local full = path
  if not pandoc.path.is_absolute(path) then
    full = pandoc.path.join({input_dir(), path})
  end
  local fh = io.open(full, "r")
  if fh == nil then
    error("afunix.lua: cannot open " .. full)
  end
  local text = fh:read("a")
  fh:close()
  if text == nil or text:match("^%s*$") then
    error("afunix.lua: " .. full .. " is empty")
  end
  return text, full
end

local function split_lines(text)
  local lines = {}
  for line in (text:gsub("\n$", "") .. "\n"):gmatch("(.-)\n") do
    lines[#lines + 1] = line
  end
  return lines
end

-- The text of a comment line without its /*, leading " * " or */.
local function comment_text(line)
  line = line:gsub("^%s*/%*+", "", 1)
  line = line:gsub("%s*%*+/%s*$", "", 1)
  line = line:gsub("^%s*%*+ ?", "", 1)
  line = line:gsub("^%s", "", 1)
  return line
end

local function code_block(lines, first, last)
  while first <= last and lines[first]:match("^%s*$") do
    first = first + 1
  end
  while last >= first and lines[last]:match("^%s*$") do
    last = last - 1
  end
  if first > last then
    return nil
  end
  local text = table.concat(lines, "\n", first, last)
  return pandoc.CodeBlock(text, pandoc.Attr("", {"c", "numberLines"},
    {{"startFrom", tostring(first)}}))
end

local function lesson_blocks(src)
  local text, full = read_file(src)
  local lines = split_lines(text)
  local blocks = {}
  local code_start = 1
  local i = 1
  local prose_seen = false
  while i <= #lines do
    local line = lines[i]
    -- A comment that begins a line and goes on past it is prose.
    if line:match("^%s*/%*") and not line:match("%*/") then
      local cb = code_block(lines, code_start, i - 1)
      if cb then
        blocks[#blocks + 1] = cb
      end
      local prose = {comment_text(line)}
      i = i + 1
      while i <= #lines and not lines[i]:match("%*/") do
        prose[#prose + 1] = comment_text(lines[i])
        i = i + 1
      end
      if i <= #lines then
        prose[#prose + 1] = comment_text(lines[i])
      end
      local doc = pandoc.read(table.concat(prose, "\n"), "markdown")
      for _, b in ipairs(doc.blocks) do
        blocks[#blocks + 1] = b
      end
      prose_seen = true
      code_start = i + 1
    end
    i = i + 1
  end
  local cb = code_block(lines, code_start, #lines)
  if cb then
    blocks[#blocks + 1] = cb
  end
  if not prose_seen then
    error("afunix.lua: " .. full .. " has no comment block to make prose of")
  end
  return blocks
end

function Div(el)
  if el.classes:includes("lesson") then
    local src = el.attributes["src"]
    if src == nil then
      error("afunix.lua: a lesson div needs src=")
    end
    return lesson_blocks(src)
  end
end

function CodeBlock(el)
  local path = el.attributes["include"]
  if path == nil then
    return nil
  end
  local text = read_file(path)
  el.text = text:gsub("\n$", "")
  el.attributes["include"] = nil
  if el.classes:includes("numberLines") and el.attributes["startFrom"] == nil then
    el.attributes["startFrom"] = "1"
  end
  return el
end
