using CursorAspire.Check;

// `cursoraspire-check [check] --url https://…/v1 --key …`: does through the URL what Cursor does, and says what would fail.
return await CursorCheckCommandLine.RunAsync(args).ConfigureAwait(false);
