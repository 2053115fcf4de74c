global using Luffy.Domain;
global using Luffy.Domain.Entities;
global using Luffy.Infrastructure.Data;
global using Luffy.Web.Api;
global using Microsoft.AspNetCore.Http.HttpResults;
global using Microsoft.AspNetCore.Mvc;
global using Microsoft.EntityFrameworkCore;
