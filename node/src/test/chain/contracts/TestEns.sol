// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.24;

// Test-only contracts for the relay's ENS and spam-rule tests. They follow the interfaces ENS
// clients call (EIP-137 registry, resolver addr/text, ENSIP-10 resolve, EIP-3668 OffchainLookup,
// ERC-20 balanceOf) and keep everything else to the minimum: no access control beyond the
// registry's ownership, because only the test deploys and writes them.

/// An EIP-137 registry: owner and resolver per node, subnodes created by the parent's owner.
contract TestRegistry {
    struct Record {
        address owner;
        address resolver;
    }

    mapping(bytes32 => Record) private records;

    constructor() {
        records[bytes32(0)].owner = msg.sender;
    }

    modifier onlyOwner(bytes32 node) {
        require(records[node].owner == msg.sender, "not the owner");
        _;
    }

    function setSubnodeOwner(bytes32 node, bytes32 label, address newOwner) external onlyOwner(node) returns (bytes32) {
        bytes32 subnode = keccak256(abi.encodePacked(node, label));
        records[subnode].owner = newOwner;
        return subnode;
    }

    function setResolver(bytes32 node, address newResolver) external onlyOwner(node) {
        records[node].resolver = newResolver;
    }

    function owner(bytes32 node) external view returns (address) {
        return records[node].owner;
    }

    function resolver(bytes32 node) external view returns (address) {
        return records[node].resolver;
    }
}

/// Records keyed by node, shared by the resolvers below.
abstract contract Records {
    mapping(bytes32 => address) internal addrs;
    mapping(bytes32 => mapping(string => string)) internal texts;

    function setAddr(bytes32 node, address value) external {
        addrs[node] = value;
    }

    function setText(bytes32 node, string calldata key, string calldata value) external {
        texts[node][key] = value;
    }

    /// The answer to an addr(bytes32) or text(bytes32,string) call, ABI-encoded as its return value.
    function answer(bytes32 node, bytes memory data) internal view returns (bytes memory) {
        bytes4 selector = bytes4(data);
        if (selector == 0x3b3b57de) {
            return abi.encode(addrs[node]);
        }
        if (selector == 0x59d1d43c) {
            (, string memory key) = abi.decode(slice(data, 4), (bytes32, string));
            return abi.encode(texts[node][key]);
        }
        revert("unsupported record");
    }

    function slice(bytes memory data, uint256 from) internal pure returns (bytes memory out) {
        out = new bytes(data.length - from);
        for (uint256 i = 0; i < out.length; i++) {
            out[i] = data[from + i];
        }
    }

    function nodeOf(bytes memory data) internal pure returns (bytes32 node) {
        require(data.length >= 36, "call too short");
        assembly {
            node := mload(add(data, 36))
        }
    }

    /// EIP-137 namehash of a DNS wire-format name, computed here so a wrong encoding is caught.
    function namehash(bytes memory name, uint256 offset) internal pure returns (bytes32) {
        uint256 length = uint8(name[offset]);
        if (length == 0) {
            return bytes32(0);
        }
        bytes32 parent = namehash(name, offset + length + 1);
        bytes32 label;
        assembly {
            label := keccak256(add(add(name, 32), add(offset, 1)), length)
        }
        return keccak256(abi.encodePacked(parent, label));
    }
}

/// A resolver without ENSIP-10: addr(bytes32) and text(bytes32,string) only.
contract PlainResolver is Records {
    function addr(bytes32 node) external view returns (address) {
        return addrs[node];
    }

    function text(bytes32 node, string calldata key) external view returns (string memory) {
        return texts[node][key];
    }

    function supportsInterface(bytes4 id) external pure returns (bool) {
        return id == 0x01ffc9a7 || id == 0x3b3b57de || id == 0x59d1d43c;
    }
}

/// An ENSIP-10 resolver: answers only through resolve(bytes,bytes), for any name, from records
/// keyed by the full name's node. It refuses a call whose node is not the name's namehash.
contract WildcardResolver is Records {
    function resolve(bytes calldata name, bytes calldata data) external view returns (bytes memory) {
        bytes32 node = namehash(name, 0);
        require(nodeOf(data) == node, "name and node disagree");
        return answer(node, data);
    }

    function supportsInterface(bytes4 id) external pure returns (bool) {
        return id == 0x01ffc9a7 || id == 0x9061b923;
    }
}

error OffchainLookup(address sender, string[] urls, bytes callData, bytes4 callbackFunction, bytes extraData);

/// An ENSIP-10 resolver that keeps nothing on chain: resolve() reverts with OffchainLookup, the
/// gateway gets resolve(name, data) as callData (as dm3's gateway does) and must answer
/// abi.encode(bytes result, bytes32 keccak256(callData)); the callback checks that hash against
/// the extraData it sent. With `lookups` above 1 the callback asks again, to exercise chained
/// lookups; `claimedSender` lets a test make it raise lookups on another contract's behalf.
contract OffchainResolver {
    string[] private urls;
    uint256 private immutable lookups;
    address private immutable claimedSender;

    constructor(string[] memory gatewayUrls, uint256 lookupCount, address senderOverride) {
        urls = gatewayUrls;
        lookups = lookupCount;
        claimedSender = senderOverride == address(0) ? address(this) : senderOverride;
    }

    function resolve(bytes calldata name, bytes calldata data) external view returns (bytes memory) {
        bytes memory callData = abi.encodeWithSelector(this.resolve.selector, name, data);
        revert OffchainLookup(claimedSender, urls, callData, this.resolveWithProof.selector, abi.encode(callData, uint256(1)));
    }

    function resolveWithProof(bytes calldata response, bytes calldata extraData) external view returns (bytes memory) {
        (bytes memory callData, uint256 done) = abi.decode(extraData, (bytes, uint256));
        (bytes memory result, bytes32 requestHash) = abi.decode(response, (bytes, bytes32));
        require(requestHash == keccak256(callData), "answer is for another request");
        if (done < lookups) {
            revert OffchainLookup(claimedSender, urls, callData, this.resolveWithProof.selector, abi.encode(callData, done + 1));
        }
        return result;
    }

    function supportsInterface(bytes4 id) external pure returns (bool) {
        return id == 0x01ffc9a7 || id == 0x9061b923;
    }
}

/// The part of ERC-20 the spam rules read.
contract TestToken {
    mapping(address => uint256) public balanceOf;

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
    }
}

/// A "token" whose balanceOf always reverts, to check that an unreadable balance counts as 0.
contract RevertingToken {
    function balanceOf(address) external pure returns (uint256) {
        revert("no balances here");
    }
}
