global using Luffy.Domain;
global using Luffy.Domain.Entities;
global using Microsoft.EntityFrameworkCore;
