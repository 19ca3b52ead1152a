# Install what the web, QR and flyer tests need: Debian's Chromium (driven by
# Playwright for Python, never a downloaded browser), zbar's zbarimg to decode QR
# codes, poppler's pdftotext and pdftoppm to read and render the printed PDFs as text
# and greyscale images, and axe-core from the npm registry for the accessibility checks.
# Sourced by scripts/test (as root in CI on Debian 12); fails loudly, skips what is there.

_browser_apt=()
command -v chromium >/dev/null || _browser_apt+=(chromium)
command -v zbarimg >/dev/null || _browser_apt+=(zbar-tools)
{ command -v pdftotext && command -v pdftoppm; } >/dev/null || _browser_apt+=(poppler-utils)
_axe_ready="${XDG_CACHE_HOME:-$HOME/.cache}/hotline-tests/axe-core-4.14.1/package/axe.min.js"
[ -s "$_axe_ready" ] || command -v npm >/dev/null || _browser_apt+=(npm)  # fetches axe-core once
unset _axe_ready
if [ ${#_browser_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "20-browser.sh: need ${_browser_apt[*]}; run as root or: sudo apt-get install ${_browser_apt[*]}" >&2
    return 1
  fi
  echo "installing ${_browser_apt[*]} with apt-get"
  apt-get update -qq || { echo "20-browser.sh: apt-get update failed" >&2; return 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${_browser_apt[@]}" \
    || { echo "20-browser.sh: apt-get install ${_browser_apt[*]} failed" >&2; return 1; }
fi
unset _browser_apt

# axe-core lives in a cache outside the repository, one folder per version.
_axe_version=4.14.1
_axe_dir="${XDG_CACHE_HOME:-$HOME/.cache}/hotline-tests/axe-core-${_axe_version}"
if [ ! -s "$_axe_dir/package/axe.min.js" ]; then
  command -v npm >/dev/null || { echo "20-browser.sh: npm is needed to fetch axe-core and could not be installed (apt-get install npm)" >&2; return 1; }
  mkdir -p "$_axe_dir"
  (cd "$_axe_dir" && npm pack --silent "axe-core@${_axe_version}" >/dev/null && tar -xzf "axe-core-${_axe_version}.tgz") \
    || { echo "20-browser.sh: could not fetch axe-core@${_axe_version} from the npm registry" >&2; return 1; }
fi
export HOTLINE_AXE_JS="$_axe_dir/package/axe.min.js"
unset _axe_version _axe_dir
echo "chromium: $(chromium --version 2>/dev/null); zbarimg: $(zbarimg --version);" \
  "pdftoppm: $(pdftoppm -v 2>&1 | head -n 1); axe-core: $HOTLINE_AXE_JS"
