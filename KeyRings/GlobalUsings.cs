// The namespaces the key rings share: the XML elements Data Protection stores, their encryption, and the
// cryptography and text that protect them.
global using System.Security.Cryptography;
global using System.Text;
global using System.Xml.Linq;
global using Microsoft.AspNetCore.DataProtection.XmlEncryption;
global using Microsoft.Extensions.DependencyInjection;
