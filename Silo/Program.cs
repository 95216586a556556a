using OrleansChat.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddChatServer();

var app = builder.Build();
app.MapChatServer();
app.Run();
