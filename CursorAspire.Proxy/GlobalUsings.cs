// The namespaces nearly every stage of the proxy speaks (besides the Web SDK's implicit ones): Microsoft.Extensions.AI's
// chat types, System.Text.Json, and options. The proxy's own folders are always named by a using directive in the file
// that uses them, so a file's dependencies on other folders stay visible (FolderDependencyTests reads them).
global using System.Text.Json;
global using Microsoft.Extensions.AI;
global using Microsoft.Extensions.Options;
