// Prettier's settings: STYLE.md's 100 columns; the rest are written out although they are
// Prettier's defaults, because the code already follows them (double quotes, semicolons, trailing
// commas wherever the language allows them, parentheses around every arrow parameter), so the one
// reformat changes line breaks and little else. `npm run format:check` lists files that differ;
// .prettierignore says which files are left as written and why.
/** @type {import("prettier").Config} */
export default {
  printWidth: 100,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: false,
  trailingComma: "all",
  arrowParens: "always",
  bracketSpacing: true,
  endOfLine: "lf",
};
