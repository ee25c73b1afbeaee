Console.WriteLine("stand-in");
