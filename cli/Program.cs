Console.WriteLine("agentmesh");
