// The benchmark installs fastmcp, whose mcp-proxy dependency names pipenet for a tunnel command the
// benchmark never runs. This stand-in keeps `npm ci` free of pipenet's Node 22 engine warning.
throw new Error('pipenet is not installed in this project (bench/stubs/pipenet stands in for it)');
